import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import PumpTesting
import Synchronization

/// A small HTTP server on loopback standing where a pager or chat bridge would: Alertmanager's
/// webhook receiver posts each notification here, and the receiver records it. Runs for the
/// duration of ``with(_:)``.
final class WebhookReceiver: Sendable {
    /// One notification as Alertmanager's webhook sends it (the members the tests read).
    struct Notification: Decodable, Sendable, Hashable {
        struct Alert: Decodable, Sendable, Hashable {
            var status: String
            var labels: [String: String]
            var annotations: [String: String]
            var startsAt: String
            var endsAt: String
        }

        var status: String
        var receiver: String
        var alerts: [Alert]
    }

    let port: Int
    private let received = Mutex<[Notification]>([])

    /// The URL to give Alertmanager.
    var url: String { "http://127.0.0.1:\(port)/hook" }

    /// Every notification received so far, in order.
    var notifications: [Notification] { received.withLock { $0 } }

    private init(port: Int) { self.port = port }

    /// Runs a receiver on a free loopback port for the duration of `body`.
    static func with<T: Sendable>(_ body: (WebhookReceiver) async throws -> T) async throws -> T {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        let receiver = WebhookReceiver(port: server.channel.localAddress?.port ?? 0)
        // Served from a thread of its own, never starved by tests that block the cooperative pool.
        let executor = DedicatedThreadExecutor(name: "webhook-receiver")
        defer { executor.shutdown() }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask(executorPreference: executor) {
                try await server.executeThenClose { connections in
                    try await withThrowingDiscardingTaskGroup { handlers in
                        for try await connection in connections {
                            handlers.addTask { try? await receiver.serve(connection) }
                        }
                    }
                }
            }
            do {
                let result = try await body(receiver)
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    /// Waits until the notifications received satisfy `condition`; returns them.
    func waitFor(
        timeout: Duration = .seconds(45), _ what: String, _ condition: ([Notification]) -> Bool
    ) async throws -> [Notification] {
        let deadline = ContinuousClock.now + timeout
        // The condition is checked once more after the deadline: on two busy cores under a sanitizer
        // the sleeping task can wake long after it, and what arrived meanwhile still counts.
        while true {
            let seen = notifications
            if condition(seen) { return seen }
            guard ContinuousClock.now < deadline else {
                throw AlertmanagerError.timedOut(waitingFor: what, seen: "\(seen)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var body = ByteBuffer()
            for try await part in inbound {
                switch part {
                case .head: body.clear()
                case .body(var chunk): body.writeBuffer(&chunk)
                case .end:
                    if let notification = try? JSONDecoder().decode(
                        Notification.self, from: Data(body.readableBytesView))
                    {
                        received.withLock { $0.append(notification) }
                    }
                    var head = HTTPResponseHead(version: .http1_1, status: .ok)
                    head.headers.add(name: "Content-Length", value: "0")
                    try await outbound.write(.head(head))
                    try await outbound.write(.end(nil))
                }
            }
        }
    }
}
