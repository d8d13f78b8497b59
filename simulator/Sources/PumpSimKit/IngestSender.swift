import Histogram
import PumpTelemetry

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How the sender talks to the ingest socket.
package struct SenderConfiguration: Sendable, Hashable {
    /// The daemon's ingest socket.
    package var address: SocketAddress
    /// Connections opened at once (each pump's lines always go on the same one). Default 4.
    package var connections: Int
    /// Lines written and not yet answered, per connection. Default 128.
    package var window: Int
    /// First pause after `unavailable` or a dropped connection; doubles up to `maxBackoff`.
    /// Default 20 ms.
    package var initialBackoff: Duration
    /// Longest pause between resends. Default 1 s.
    package var maxBackoff: Duration
    /// Give up when a connection cannot be made for this long. Default 30 s.
    package var reconnectDeadline: Duration
    /// Give up on one line after this many attempts. Default 1,000.
    package var maxAttempts: Int
    /// How often the progress callback runs. Default 500 ms.
    package var progressInterval: Duration
    /// Protocol-v1 lines (the default) or HL7 v2 over MLLP (``HL7Wire``).
    package var format: WireFormat = .json

    /// Creates a configuration; every field but the address has a default.
    package init(
        address: SocketAddress, connections: Int = 4, window: Int = 128, initialBackoff: Duration = .milliseconds(20),
        maxBackoff: Duration = .seconds(1), reconnectDeadline: Duration = .seconds(30), maxAttempts: Int = 1_000,
        progressInterval: Duration = .milliseconds(500)
    ) {
        self.address = address
        self.connections = max(1, connections)
        self.window = max(1, window)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.reconnectDeadline = reconnectDeadline
        self.maxAttempts = max(1, maxAttempts)
        self.progressInterval = progressInterval
    }
}

/// What the sender counted: every line handed in, every line written, every reply.
package struct SendCounts: Sendable, Hashable, Codable {
    /// Distinct lines handed to the sender.
    package var messages = 0
    /// Lines written to a socket, resends included.
    package var written = 0
    /// Replies `accepted`.
    package var accepted = 0
    /// Replies `duplicate`.
    package var duplicate = 0
    /// Replies `rejected`.
    package var rejected = 0
    /// Replies `unavailable` (each followed by a resend).
    package var unavailable = 0
    /// Lines written again after `unavailable` or a dropped connection, with the same id.
    package var resent = 0
    /// Connections that dropped (or could not be made) while lines were pending.
    package var droppedConnections = 0
    /// Reply lines that were not replies, echoed the wrong id, or came with nothing pending.
    package var badReplies = 0
    /// Lines given up after `maxAttempts`.
    package var abandoned = 0

    /// Creates zero counts.
    package init() {}

    /// Lines with a final answer (accepted, duplicate or rejected).
    package var answered: Int { accepted + duplicate + rejected }
}

/// The end of a send: the counts, reply latencies, and which pumps had a line resent (their
/// lines may have reached the daemon out of order).
package struct SendReport: Sendable {
    /// The counts.
    package var counts: SendCounts
    /// Microseconds from writing a line to reading its reply, final answers only.
    package var latencyMicros: Histogram<UInt64>
    /// Serials of pumps one of whose lines was resent.
    package var resentSerials: Set<String>
    /// Wall-clock duration of the send.
    package var elapsed: Duration
}

/// The send could not finish.
package struct SenderError: Error, Sendable, CustomStringConvertible {
    /// The socket failure behind it.
    package var cause: SocketError
    /// How far it got.
    package var counts: SendCounts
    /// How long the daemon stayed unreachable.
    package var unreachableFor: Duration

    /// What happened and what to do.
    package var description: String {
        "the daemon's ingest socket stayed unreachable for \(unreachableFor): \(cause); "
            + "\(counts.answered) of \(counts.messages) lines were answered before. Start pumpmond or pass "
            + "--socket with its ingest socket path, then run again (resending is safe)."
    }
}

/// Sends lines to the ingest socket over several connections, pipelined within a bounded window,
/// reading each connection's replies in order, resending (same bytes, same id) on `unavailable`
/// and on a dropped connection, until every line has a final answer.
///
/// Blocking POSIX I/O on the calling thread with `poll(2)`: call it from a thread that may block.
package struct IngestSender: Sendable {
    /// The configuration.
    package var configuration: SenderConfiguration

    package init(configuration: SenderConfiguration) {
        self.configuration = configuration
    }

    private struct Pending {
        var line: OutgoingLine
        var attempts = 0
        var writtenAt: ContinuousClock.Instant? = nil
    }

    private struct Connection {
        var fd: Int32 = -1
        var retry = FIFO<Pending>()
        var queue = FIFO<Pending>()
        var inflight = FIFO<Pending>()
        var out: [UInt8] = []
        var outOffset = 0
        var inbuf: [UInt8] = []
        var pausedUntil: ContinuousClock.Instant? = nil
        var backoff: Duration
        var downSince: ContinuousClock.Instant? = nil
        var waiting: Int { retry.count + queue.count }
        var idle: Bool { retry.isEmpty && queue.isEmpty && inflight.isEmpty }
    }

    /// Which connection a serial's lines use: FNV-1a of the serial (stable across runs, unlike
    /// `hashValue`), so one pump's lines reach the daemon in the order they were generated.
    package static func shard(serial: String?, connections: Int) -> Int {
        guard let serial, connections > 1 else { return 0 }
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in serial.utf8 {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01B3
        }
        return Int(h % UInt64(connections))
    }

    /// Sends every line of `source` and returns when each has a final answer.
    ///
    /// - Parameters:
    ///   - onReply: called once per line with its final reply (accepted, duplicate or rejected).
    ///   - progress: called every `progressInterval` with the counts so far.
    package func send<Source: LineSource>(
        _ source: inout Source, onReply: (OutgoingLine, Reply) -> Void = { _, _ in },
        progress: (SendCounts) -> Void = { _ in }
    ) throws(SenderError) -> SendReport {
        let cfg = configuration
        let clock = ContinuousClock()
        let started = clock.now
        var lastProgress = started
        var counts = SendCounts()
        var latency = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        var resentSerials = Set<String>()
        var conns = (0..<cfg.connections).map { _ in Connection(backoff: cfg.initialBackoff) }
        var sourceDone = false
        var readBuffer = [UInt8](repeating: 0, count: 65_536)
        let queueCap = cfg.window * 2

        defer {
            for c in conns where c.fd >= 0 { close(c.fd) }
        }

        func drop(_ i: Int, at now: ContinuousClock.Instant) {
            if conns[i].fd >= 0 { close(conns[i].fd) }
            conns[i].fd = -1
            counts.droppedConnections += 1
            while let p = conns[i].inflight.popFirst() { conns[i].retry.append(p) }
            conns[i].out.removeAll(keepingCapacity: true)
            conns[i].outOffset = 0
            conns[i].inbuf.removeAll(keepingCapacity: true)
            conns[i].pausedUntil = now + conns[i].backoff
            conns[i].backoff = min(conns[i].backoff * 2, cfg.maxBackoff)
        }

        func handle(replyLine: ArraySlice<UInt8>, on i: Int, at now: ContinuousClock.Instant) {
            guard var p = conns[i].inflight.popFirst() else {
                counts.badReplies += 1
                return
            }
            guard
                let reply = cfg.format == .hl7
                    ? HL7Wire.reply(fromAck: Array(replyLine)) : Reply(line: Array(replyLine))
            else {
                counts.badReplies += 1
                p.writtenAt = nil
                conns[i].retry.append(p)
                return
            }
            if let expected = p.line.id, let got = reply.id, expected != got { counts.badReplies += 1 }
            switch reply.result {
            case .unavailable:
                counts.unavailable += 1
                conns[i].retry.append(p)
                conns[i].pausedUntil = now + conns[i].backoff
                conns[i].backoff = min(conns[i].backoff * 2, cfg.maxBackoff)
                return
            case .accepted: counts.accepted += 1
            case .duplicate: counts.duplicate += 1
            case .rejected: counts.rejected += 1
            }
            conns[i].backoff = cfg.initialBackoff
            if let w = p.writtenAt {
                let d = (now - w).components
                _ = latency.record(
                    UInt64(max(0, d.seconds)) * 1_000_000 + UInt64(max(0, d.attoseconds / 1_000_000_000_000)))
            }
            onReply(p.line, reply)
        }

        while true {
            // Take lines from the source while every connection has room.
            while !sourceDone {
                guard let line = source.nextLine() else {
                    sourceDone = true
                    break
                }
                counts.messages += 1
                let i = Self.shard(serial: line.serial, connections: cfg.connections)
                conns[i].queue.append(Pending(line: line))
                if conns[i].waiting >= queueCap { break }
            }
            if sourceDone && conns.allSatisfy(\.idle) { break }

            var now = clock.now
            var pollTimeout: Duration = .milliseconds(100)
            for i in conns.indices {
                if let until = conns[i].pausedUntil {
                    if until > now {
                        pollTimeout = min(pollTimeout, until - now)
                        continue
                    }
                    conns[i].pausedUntil = nil
                }
                if conns[i].fd < 0 {
                    guard !conns[i].idle else { continue }
                    do {
                        conns[i].fd = try Sockets.connect(to: cfg.address, nonBlocking: true)
                        conns[i].downSince = nil
                    } catch {
                        let since = conns[i].downSince ?? now
                        conns[i].downSince = since
                        if now - since >= cfg.reconnectDeadline {
                            throw SenderError(cause: error, counts: counts, unreachableFor: now - since)
                        }
                        conns[i].pausedUntil = now + conns[i].backoff
                        conns[i].backoff = min(conns[i].backoff * 2, cfg.maxBackoff)
                        pollTimeout = min(pollTimeout, conns[i].backoff)
                        continue
                    }
                }
                while conns[i].inflight.count < cfg.window {
                    guard var p = conns[i].retry.popFirst() ?? conns[i].queue.popFirst() else { break }
                    p.attempts += 1
                    if p.attempts > cfg.maxAttempts {
                        counts.abandoned += 1
                        continue
                    }
                    if p.attempts > 1 {
                        counts.resent += 1
                        if let s = p.line.serial { resentSerials.insert(s) }
                    }
                    p.writtenAt = now
                    if cfg.format == .hl7 {
                        conns[i].out.append(contentsOf: HL7Wire.frame(p.line))
                    } else {
                        conns[i].out.append(contentsOf: p.line.bytes)
                    }
                    conns[i].inflight.append(p)
                    counts.written += 1
                }
            }

            var fds: [pollfd] = []
            var owners: [Int] = []
            for i in conns.indices where conns[i].fd >= 0 {
                var events = Int16(POLLIN)
                if conns[i].outOffset < conns[i].out.count { events |= Int16(POLLOUT) }
                fds.append(pollfd(fd: conns[i].fd, events: events, revents: 0))
                owners.append(i)
            }
            let ms = Int32(
                max(
                    1,
                    min(
                        100,
                        pollTimeout.components.seconds * 1000 + pollTimeout.components.attoseconds
                            / 1_000_000_000_000_000)))
            if fds.isEmpty {
                _ = poll(nil, 0, ms)
                continue
            }
            let ready = poll(&fds, nfds_t(fds.count), ms)
            if ready <= 0 { continue }
            now = clock.now
            for (k, pfd) in fds.enumerated() where pfd.revents != 0 {
                let i = owners[k]
                // A write that fails (the daemon went away) still reads what the daemon answered
                // before it went: those answers are final, and resending those lines would only
                // earn `duplicate`s.
                var writeFailed = false
                if conns[i].outOffset < conns[i].out.count, pfd.revents & Int16(POLLOUT) != 0 {
                    let n = conns[i].out.withUnsafeBytes {
                        Sockets.writeSome(conns[i].fd, UnsafeRawBufferPointer(rebasing: $0[conns[i].outOffset...]))
                    }
                    if n < 0 {
                        writeFailed = true
                    } else {
                        conns[i].outOffset += n
                        if conns[i].outOffset == conns[i].out.count {
                            conns[i].out.removeAll(keepingCapacity: true)
                            conns[i].outOffset = 0
                        }
                    }
                }
                if writeFailed || pfd.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                    var closed = false
                    while true {
                        let n = readBuffer.withUnsafeMutableBytes { Sockets.readSome(conns[i].fd, into: $0) }
                        if n == -2 { break }
                        if n <= 0 {
                            closed = true
                            break
                        }
                        conns[i].inbuf.append(contentsOf: readBuffer[0..<n])
                        if n < readBuffer.count { break }
                    }
                    var start = conns[i].inbuf.startIndex
                    if cfg.format == .hl7 {
                        // MLLP: 0x0B, the ACK, 0x1C 0x0D.
                        while let end = conns[i].inbuf[start...].firstIndex(of: 0x1C),
                            end + 1 < conns[i].inbuf.endIndex
                        {
                            let frame = conns[i].inbuf[start..<end]
                            handle(replyLine: frame.drop { $0 != 0x0B }.dropFirst(), on: i, at: now)
                            start = end + 2
                        }
                    } else {
                        while let nl = conns[i].inbuf[start...].firstIndex(of: 10) {
                            handle(replyLine: conns[i].inbuf[start..<nl], on: i, at: now)
                            start = nl + 1
                        }
                    }
                    conns[i].inbuf.removeSubrange(..<start)
                    if closed || writeFailed { drop(i, at: now) }
                }
            }
            if now - lastProgress >= cfg.progressInterval {
                lastProgress = now
                progress(counts)
            }
        }
        progress(counts)
        return SendReport(
            counts: counts, latencyMicros: latency, resentSerials: resentSerials, elapsed: clock.now - started)
    }
}
