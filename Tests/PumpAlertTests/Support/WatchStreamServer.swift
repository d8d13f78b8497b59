import Foundation
import NIOCore
import NIOPosix
import PumpControlProtocol
import PumpJSON
import PumpTesting
import Synchronization

/// Stands in for pumpmond's control socket, playing the watch stream exactly as
/// `WatchDocuments.swift` documents it: it answers `{"op":"watch"}` with the current snapshot (a
/// line per firing alert, then `synced`), then every change the test ``publish(_:)``es. The test
/// sets what is firing, publishes changes, drops connections (a daemon restart) and sees the
/// requests. Not a mock of Alertmanager: the notifier still posts to a real one.
final class WatchStreamServer: Sendable {
    private struct State {
        var firing: [AlertDocument] = []
        var watchers: [ObjectIdentifier: (Channel, NIOAsyncChannelOutboundWriter<ByteBuffer>)] = [:]
        var requests: [String] = []
        var connections = 0
    }

    let socketPath: String
    private let state = Mutex(State())

    private init(socketPath: String) { self.socketPath = socketPath }

    /// The request lines received, in order.
    var requests: [String] { state.withLock { $0.requests } }
    /// How many connections have followed the stream (received their snapshot) so far.
    var connections: Int { state.withLock { $0.connections } }
    /// How many connections follow the stream now.
    var watchers: Int { state.withLock { $0.watchers.count } }

    /// Runs the server on `socketPath` for the duration of `body`.
    static func with<T: Sendable>(socketPath: String, _ body: (WatchStreamServer) async throws -> T) async throws -> T {
        try? FileManager.default.removeItem(atPath: socketPath)
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(unixDomainSocketPath: socketPath) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(TestLineDecoder()))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let fixture = WatchStreamServer(socketPath: socketPath)
        // Served from a thread of its own, never starved by tests that block the cooperative pool.
        let executor = DedicatedThreadExecutor(name: "watch-stream-server")
        defer { executor.shutdown() }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask(executorPreference: executor) {
                try await server.executeThenClose { connections in
                    try await withThrowingDiscardingTaskGroup { handlers in
                        for try await connection in connections {
                            handlers.addTask { try? await fixture.serve(connection) }
                        }
                    }
                }
            }
            do {
                let result = try await body(fixture)
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    /// Makes `alert` fire (or resolve) and sends it to every follower, as the daemon does on a commit.
    func publish(_ alert: AlertDocument) async throws {
        let followers = state.withLock { state in
            state.firing.removeAll { $0.alertname == alert.alertname && $0.serial == alert.serial }
            if alert.status == .firing { state.firing.append(alert) }
            return state.watchers.values.map(\.1)
        }
        let line = try Self.line(WatchEventDocument(event: .alert, at: Self.now(), alert: alert))
        for writer in followers { try await writer.write(line) }
    }

    /// Changes what fires without telling anyone (what a daemon restart finds in the store).
    func setFiring(_ alerts: [AlertDocument]) {
        state.withLock { $0.firing = alerts }
    }

    /// Closes every follower's connection, as a daemon that stops does.
    func dropConnections() {
        let channels = state.withLock { state in
            defer { state.watchers = [:] }
            return state.watchers.values.map(\.0)
        }
        for channel in channels { channel.close(promise: nil) }
    }

    /// Waits until `count` connections have followed the stream in all.
    func waitForConnections(_ count: Int, timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while connections < count || watchers == 0 {
            guard ContinuousClock.now < deadline else {
                throw AlertmanagerError.timedOut(waitingFor: "\(count) watch connections", seen: "\(connections)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async throws {
        let id = ObjectIdentifier(connection.channel)
        defer { _ = state.withLock { $0.watchers.removeValue(forKey: id) } }
        try await connection.executeThenClose { inbound, outbound in
            var lines = inbound.makeAsyncIterator()
            guard let request = try await lines.next() else { return }
            let text = String(buffer: request)
            state.withLock { $0.requests.append(text) }
            guard text == "{\"op\":\"watch\"}" else {
                let refusal = ControlReply<WatchEventDocument>(
                    error: ControlFailure(code: .badUsage, message: "this fixture answers only watch"))
                var writer = JSONWriter()
                try writer.encode(refusal)
                try await outbound.write(ByteBuffer(bytes: writer.bytes + [UInt8(ascii: "\n")]))
                return
            }
            // The snapshot and the registration under one lock: no change falls between them.
            let snapshot = try state.withLock { state in
                let at = Self.now()
                var lines = try state.firing.map { try Self.line(WatchEventDocument(event: .alert, at: at, alert: $0)) }
                lines.append(try Self.line(WatchEventDocument(event: .synced, at: at)))
                state.watchers[id] = (connection.channel, outbound)
                return lines
            }
            for line in snapshot { try await outbound.write(line) }
            state.withLock { $0.connections += 1 }
            while try await lines.next() != nil {}
        }
    }

    private static func line(_ event: WatchEventDocument) throws -> ByteBuffer {
        var writer = JSONWriter()
        try writer.encode(ControlReply(result: event))
        return ByteBuffer(bytes: writer.bytes + [UInt8(ascii: "\n")])
    }

    static func now() -> String {
        Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

/// Newline framing for the fixture's requests.
struct TestLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return .needMoreData }
        let line = buffer.readSlice(length: newline - buffer.readerIndex)!
        buffer.moveReaderIndex(forwardBy: 1)
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }
}
