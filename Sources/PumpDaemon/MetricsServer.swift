import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// One HTTP connection to the metrics listener.
typealias MetricsConnection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>
/// A bound metrics listener.
typealias MetricsListener = NIOAsyncChannel<MetricsConnection, Never>

/// Serves `GET /metrics` (the Prometheus text format) over HTTP/1.1 on its own listener, apart
/// from telemetry and control: a Unix socket, a TCP address, or systemd's `metrics` socket. Any
/// other path is 404, any other method on it 405. NIOHTTP1 frames the requests; the answer is
/// built off the event loop.
final class MetricsServer: Service, Sendable {
    private let listener: MetricsListener
    private let metrics: DaemonMetrics
    private let sources: MetricsSources
    private let logger: Logger

    init(listener: MetricsListener, metrics: DaemonMetrics, sources: MetricsSources, logger: Logger) {
        self.listener = listener
        self.metrics = metrics
        self.sources = sources
        self.logger = logger
    }

    /// Binds the listener; each connection gets NIO's HTTP/1.1 server pipeline.
    static func bind(_ endpoint: ListenEndpoint, group: any EventLoopGroup) async throws -> MetricsListener {
        try await endpoint.bind(
            ServerBootstrap(group: group).serverChannelOption(.backlog, value: 16)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        ) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                return try MetricsConnection(wrappingChannelSynchronously: channel)
            }
        }
    }

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                do {
                    try await listener.executeThenClose { connections in
                        for try await connection in connections {
                            group.addTask {
                                // A scraper keeps its connection open between scrapes: it ends with the daemon.
                                await cancelWhenGracefulShutdown { await self.serve(connection) }
                            }
                        }
                    }
                } catch let error as ChannelError where error == .ioOnClosedChannel || error == .alreadyClosed {
                    // Closed by the shutdown.
                }
            }
        } onGracefulShutdown: {
            self.listener.channel.close(promise: nil)
        }
    }

    private func serve(_ connection: MetricsConnection) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                for try await part in inbound {
                    switch part {
                    case .head(let h): head = h
                    case .body: continue
                    case .end:
                        guard let request = head else { continue }
                        head = nil
                        let answer = await answer(request)
                        var headers = HTTPHeaders()
                        headers.add(name: "Content-Type", value: answer.contentType)
                        headers.add(name: "Content-Length", value: "\(answer.body.count)")
                        if let allow = answer.allow { headers.add(name: "Allow", value: allow) }
                        if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
                        try await outbound.write(
                            .head(HTTPResponseHead(version: request.version, status: answer.status, headers: headers)))
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: answer.body))))
                        try await outbound.write(.end(nil))
                        if !request.isKeepAlive { return }
                    }
                }
            }
        } catch {
            logger.debug("Metrics connection ended with an error", metadata: ["error": "\(error)"])
        }
    }

    struct Answer {
        var status: HTTPResponseStatus
        var contentType = "text/plain; charset=utf-8"
        var allow: String?
        var body: [UInt8]
    }

    /// Where the metrics are served, for `pumpctl status`: `http://HOST:PORT/metrics` or `unix:PATH`.
    static func location(of address: SocketAddress?) -> String? {
        switch address {
        case .v4?: "http://\(address?.ipAddress ?? ""):\(address?.port ?? 0)/metrics"
        case .v6?: "http://[\(address?.ipAddress ?? "")]:\(address?.port ?? 0)/metrics"
        case .unixDomainSocket?: "unix:\(address?.pathname ?? "")"
        case nil: nil
        }
    }

    /// `GET /metrics` (a query string is ignored), else 404 or 405.
    func answer(_ request: HTTPRequestHead) async -> Answer {
        let path = request.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard path == "/metrics" else {
            return Answer(status: .notFound, body: Array("not found: the metrics are at GET /metrics\n".utf8))
        }
        guard request.method == .GET else {
            return Answer(
                status: .methodNotAllowed, allow: "GET", body: Array("method not allowed: use GET /metrics\n".utf8))
        }
        return Answer(
            status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8",
            body: await metrics.scrape(sources))
    }
}
