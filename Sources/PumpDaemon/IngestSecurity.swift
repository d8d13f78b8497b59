import Logging
import NIOCore
import NIOSSL
import NIOTLS
import PumpIngest
import Synchronization

/// The ingest listeners' security settings, replaceable while the daemon runs (SIGHUP): the TLS
/// context new TCP connections handshake with, the gateways file's policy every line is checked
/// against, and the open TLS connections, so that a reload that revokes a certificate closes them.
final class IngestSecurity: Sendable {
    /// What a reload reads.
    struct Sources: Sendable {
        var tls: TLSFiles?
        var gatewaysFile: String?
    }

    struct Settings: Sendable {
        var context: NIOSSLContext?
        var policy: GatewayPolicy
    }

    private struct OpenConnection: Sendable {
        var identity: CertificateIdentity
        var channel: any Channel
    }

    let sources: Sources
    private let settings: Mutex<Settings>
    private let open = Mutex<[ObjectIdentifier: OpenConnection]>([:])
    private let logger: Logger

    /// Reads every file once; throws what is wrong with the first one that cannot be used.
    init(sources: Sources, logger: Logger) throws(IngestSecurityError) {
        self.sources = sources
        self.logger = logger
        settings = Mutex(try Self.read(sources))
    }

    /// The TLS context for a new TCP connection; nil when the daemon has no TLS settings.
    var context: NIOSSLContext? { settings.withLock { $0.context } }

    /// What `sender` is called and may report for, under the current gateways file.
    func authorize(_ sender: Sender) -> Authorization {
        settings.withLock { $0.policy.authorize(sender) }
    }

    /// A TLS connection completed its handshake with `identity`: nil, and nothing registered, when
    /// the certificate is revoked; else its authorization, and the connection is kept so that a
    /// revocation by a reload closes it.
    func admit(_ identity: CertificateIdentity, on channel: any Channel) -> Authorization? {
        let authorization = authorize(.certificate(identity))
        guard !authorization.revoked else { return nil }
        open.withLock { $0[ObjectIdentifier(channel)] = OpenConnection(identity: identity, channel: channel) }
        return authorization
    }

    /// The connection closed.
    func forget(_ channel: any Channel) {
        _ = open.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Reads the certificates, the CA bundle and the gateways file again. On success new
    /// connections use them, and the open connections of certificates now revoked are closed (what
    /// they sent before is answered: the close waits for nothing unacknowledged to be lost, since
    /// a line is acknowledged only once stored). On failure the settings in use stay and the error
    /// says why.
    @discardableResult
    func reload() throws(IngestSecurityError) -> (revokedConnections: Int, gateways: Int) {
        let fresh = try Self.read(sources)
        settings.withLock { $0 = fresh }
        let revoked = open.withLock { open in
            open.values.filter { fresh.policy.authorize(.certificate($0.identity)).revoked }
        }
        for connection in revoked {
            logger.notice(
                "Closing a connection whose certificate is now revoked",
                metadata: ["tls.fingerprint": "\(connection.identity.fingerprint)"])
            connection.channel.close(promise: nil)
        }
        return (revoked.count, fresh.policy.gateways.count)
    }

    private static func read(_ sources: Sources) throws(IngestSecurityError) -> Settings {
        var settings = Settings(context: nil, policy: .open)
        if let tls = sources.tls {
            do {
                settings.context = try TLSServerContext.make(tls)
            } catch {
                throw .tls(error)
            }
        }
        if let path = sources.gatewaysFile {
            do {
                settings.policy = try GatewayPolicy.load(path: path)
            } catch {
                throw .gateways(error)
            }
        }
        return settings
    }
}

/// Why the ingest security settings cannot be read.
package enum IngestSecurityError: Error, CustomStringConvertible {
    case tls(TLSSetupError)
    case gateways(GatewayFileError)

    package var description: String {
        switch self {
        case .tls(let error): error.description
        case .gateways(let error): error.description
        }
    }
}

/// Between the TLS handler and the line framer of a TLS connection: when the handshake completes,
/// takes the peer's verified certificate, refuses a revoked one (closes before a byte of it is
/// read), and tells the connection's task who its sender is. Passes no data before that.
final class TLSPeerGate: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let security: IngestSecurity
    private let sender: EventLoopPromise<Sender>
    private let logger: Logger
    private var settled = false
    /// Whether the handshake completed with a certificate that is not revoked.
    private(set) var admitted = false

    init(security: IngestSecurity, sender: EventLoopPromise<Sender>, logger: Logger) {
        self.security = security
        self.sender = sender
        self.logger = logger
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tls = event as? TLSUserEvent, case .handshakeCompleted = tls {
            admit(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func admit(context: ChannelHandlerContext) {
        do {
            let handler = try context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self)
            guard let certificate = handler.peerCertificate else { throw TLSSetupError(description: "no certificate") }
            let identity = try CertificateIdentity(certificate)
            guard let authorization = security.admit(identity, on: context.channel) else {
                logger.notice(
                    "Refused a gateway whose certificate is revoked",
                    metadata: [
                        "tls.fingerprint": "\(identity.fingerprint)",
                        "peer": "\(context.channel.remoteAddress?.description ?? "?")",
                    ])
                settle(.failure(ChannelError.ioOnClosedChannel))
                context.close(promise: nil)
                return
            }
            logger.debug(
                "Gateway connected", metadata: ["source": "\(authorization.source ?? "?")"])
            admitted = true
            settle(.success(.certificate(identity)))
        } catch {
            settle(.failure(error))
            context.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard admitted else { return }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        security.forget(context.channel)
        settle(.failure(ChannelError.ioOnClosedChannel))
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        security.forget(context.channel)
        settle(.failure(ChannelError.ioOnClosedChannel))
    }

    private func settle(_ result: Result<Sender, any Error>) {
        guard !settled else { return }
        settled = true
        sender.completeWith(result)
    }
}
