import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import PumpSimKit

/// pumpsim as a gateway with a client certificate: a local Unix socket whose connections are each
/// carried to the daemon's TCP listener over mutual TLS (swift-nio-ssl). The sender's blocking
/// pipelined I/O, its resends and its reconnects stay as they are: a TLS connection that drops
/// drops its local one, and the sender connects again.
enum TLSTunnel {
    /// Starts the tunnel to `host:port` and returns the local socket to send to; it runs until the
    /// process exits.
    static func start(
        host: String, port: UInt16, certificate: String, key: String, ca: String
    ) throws -> PumpSimKit.SocketAddress {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
        configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
        let context = try NIOSSLContext(configuration: configuration)
        // An IP address is checked against the certificate's IP SANs; a name, against its DNS SANs.
        var v4 = in_addr()
        var v6 = in6_addr()
        let isAddress = inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
        let serverHostname = isAddress ? nil : host
        let directory = NSTemporaryDirectory() + "pumpsim-tls-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/ingest.sock"
        let group = MultiThreadedEventLoopGroup.singleton
        _ = try ServerBootstrap(group: group)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { local in
                ClientBootstrap(group: local.eventLoop)
                    .channelOption(.allowRemoteHalfClosure, value: true)
                    .channelInitializer { remote in
                        remote.eventLoop.makeCompletedFuture {
                            try remote.pipeline.syncOperations.addHandler(
                                try NIOSSLClientHandler(context: context, serverHostname: serverHostname))
                        }
                    }
                    .connect(host: host, port: Int(port))
                    .flatMapThrowing { remote in
                        let (toRemote, toLocal) = Glue.pair()
                        try local.pipeline.syncOperations.addHandler(toRemote)
                        try remote.pipeline.syncOperations.addHandler(toLocal)
                    }
            }
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).wait()
        atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "pumpsim-tls-\(getpid())") }
        return .unix(path: path)
    }
}

/// Forwards the bytes one channel reads to its partner, and its end (half-close or close) too.
final class Glue: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var partner: Glue?
    private var context: ChannelHandlerContext?

    static func pair() -> (Glue, Glue) {
        let first = Glue()
        let second = Glue()
        first.partner = second
        second.partner = first
        return (first, second)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        partner?.write(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner?.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner?.close()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event { partner?.closeOutput() }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    // The two channels share one event loop (the remote one is made on the local one's loop).
    private func write(_ buffer: ByteBuffer) {
        context?.write(wrapOutboundOut(buffer), promise: nil)
    }

    private func flush() { context?.flush() }

    private func close() { context?.close(promise: nil) }

    private func closeOutput() { context?.close(mode: .output, promise: nil) }
}
