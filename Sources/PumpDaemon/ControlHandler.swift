import Foundation
import Logging
import PumpControlProtocol
import PumpHealth
import PumpIngest
import PumpPolicy
import PumpStore
import PumpTelemetry

/// Answers control requests: checks the caller, validates the request, runs it against the store,
/// writes the audit row (committed before the answer), and returns the reply line.
struct ControlHandler: Sendable {
    let store: PumpStore
    /// The commit loop: control writes that change pumps or raise records run in its order.
    let committer: IngestCommitter
    let writer: IngestWriter
    let configuration: DaemonConfiguration
    let access: ControlAccessPolicy
    let clock: any DaemonClock
    let startedAt: Int64
    let logger: Logger
    /// `backup`: copies of the store into the backup directory.
    let backups: StoreBackup
    /// The metrics, and where they are served (`status`).
    let metrics: DaemonMetrics?
    let metricsAt: String?

    /// Answers one request line from `peer`: hands the reply line (JSON + `\n`) to `send` in pieces,
    /// in order, each after the one before it was sent. An `events` reply is read from the store a
    /// page at a time as it is sent. Throws what `send` throws, or the store's error when the
    /// store fails after the reply began (the line is then cut short, and the caller closes).
    func respond(
        to line: [UInt8], from peer: PeerCredentials?, watch hooks: WatchHooks = .none, send: ReplySink
    ) async throws {
        let result = await answer(to: line, from: peer, hooks: hooks)
        switch result {
        case .success(.watch(let subscription)):
            try await Self.watch(subscription, board: committer.board, hooks: hooks, send: send)
        case .success(.events(let cursor)):
            try await Self.stream(cursor, as: EventListDocument.self, send: send)
        case .success(.devices(let cursor)):
            try await Self.stream(cursor, as: DeviceListDocument.self, send: send)
        default:
            for piece in Self.encode(result) { try await send(piece) }
        }
    }

    /// The answer for one request line, audited.
    private func answer(
        to line: [UInt8], from peer: PeerCredentials?, hooks: WatchHooks
    ) async -> Result<ControlAnswer, ControlFailure> {
        let request = try? JSONDecoder().decode(ControlRequest.self, from: Data(line))
        let command = request?.op.rawValue ?? "unreadable"
        let arguments = line
        guard let peer, access.allows(peer) else {
            let failure = ControlFailure(
                code: .notPermitted,
                message:
                    "not permitted: the control socket is for root, the daemon's user and members of the group "
                    + "'\(configuration.controlGroup)'; ask an administrator to add you to it")
            return await finish(.failure(failure), command: command, arguments: arguments, peer: peer)
        }
        guard let request else {
            let failure = ControlFailure(
                code: .badUsage, message: "the request is not a control request this daemon understands")
            return await finish(.failure(failure), command: command, arguments: arguments, peer: peer)
        }
        let result: Result<ControlAnswer, ControlFailure>
        do {
            result = .success(try await perform(request, hooks: hooks))
        } catch let failure as ControlFailure {
            result = .failure(failure)
        } catch let error as CommitterClosed {
            result = .failure(ControlFailure(code: .unavailable, message: error.description))
        } catch let error as StoreError {
            result = .failure(ControlFailure(code: .unavailable, message: error.description))
        } catch {
            result = .failure(ControlFailure(code: .internalError, message: "internal error: \(error)"))
        }
        return await finish(result, command: command, arguments: arguments, peer: peer)
    }

    /// Audits, then encodes the reply. When the audit row cannot be written, the caller gets
    /// `unavailable` and no data: an unaudited answer is not given.
    private func finish(
        _ result: consuming Result<ControlAnswer, ControlFailure>, command: String, arguments: [UInt8],
        peer: PeerCredentials?
    ) async -> Result<ControlAnswer, ControlFailure> {
        let outcome: String
        switch copy result {
        case .success: outcome = "allowed: ok"
        case .failure(let f) where f.code == .notPermitted: outcome = "refused: not permitted"
        case .failure(let f): outcome = "allowed: \(f.code.rawValue)"
        }
        if let metrics {
            let label: String
            switch copy result {
            case .success: label = "ok"
            case .failure(let f): label = f.code.rawValue
            }
            metrics.controlRequest(op: command, outcome: label)
        }
        do {
            try await store.appendAudit(
                at: clock.nowMicros(), uid: peer?.uid, user: peer?.userName, command: command, request: arguments,
                outcome: outcome)
        } catch {
            logger.error("Cannot write the audit trail", metadata: ["error": "\(error)"])
            return .failure(
                ControlFailure(
                    code: .unavailable,
                    message: "the daemon cannot write its audit trail (\(error.description)); try again later"))
        }
        return result
    }

    /// Streams a list read from the store a page at a time: the next page is read (on the
    /// store's thread) while this one is encoded and sent, and each piece is sent before the next
    /// is written, so memory stays about two pages and a piece whatever the list's length.
    private static func stream<Cursor: ListCursor, List: ListDocument>(
        _ cursor: Cursor, as _: List.Type, send: ReplySink
    ) async throws where List.Element == Cursor.Element {
        guard var writer = ListReplyWriter<List>() else {
            for piece in ControlReplyWriter.cannotEncode { try await send(piece) }
            return
        }
        var (cursor, page) = try await advance(cursor)
        var sent = false
        while !page.isEmpty {
            let current = cursor
            async let following = advance(current)
            for element in page {
                let piece: [UInt8]?
                do {
                    piece = try writer.append(element)
                } catch {
                    // Nothing sent yet: the whole answer is the failure, as for any other list.
                    guard sent else {
                        for piece in ControlReplyWriter.cannotEncode { try await send(piece) }
                        return
                    }
                    throw error
                }
                if let piece {
                    sent = true
                    try await send(piece)
                }
            }
            (cursor, page) = try await following
        }
        try await send(writer.finish())
    }

    private static func advance<Cursor: ListCursor>(_ cursor: Cursor) async throws -> (Cursor, [Cursor.Element]) {
        var cursor = cursor
        let page = try await cursor.next()
        return (cursor, page)
    }

    /// The reply line in pieces to write in order: keys in each document's declaration order
    /// (`cli.md`'s), so the same answer is the same bytes on every run.
    static func encode(_ result: consuming Result<ControlAnswer, ControlFailure>) -> [[UInt8]] {
        switch consume result {
        case .success(.document(let document)): ControlReplyWriter.success(document)
        case .success(.list(let list)): ControlReplyWriter.success(list: list)
        case .success(.events), .success(.devices), .success(.watch): ControlReplyWriter.cannotEncode  // by `respond`
        case .failure(let failure): ControlReplyWriter.failure(failure)
        }
    }

    private func perform(_ r: ControlRequest, hooks: WatchHooks) async throws -> ControlAnswer {
        let now = clock.nowMicros()
        switch r.op {
        case .status:
            let c = try await store.counts()
            let unsent = configuration.hl7AlertManager == nil ? nil : try await store.outboxUnsentCount()
            return .document(
                DaemonStatusDocument(
                    version: PumpmondVersion.string, uptimeS: Int((now - startedAt) / 1_000_000), store: store.path,
                    pumps: c.pumps, messages: c.messages, records: c.records, rejected: c.rejected,
                    metrics: metricsAt, hl7OutboxUnsent: unsent))
        case .devices:
            let state = try r.state.map { w throws(ControlFailure) in try word(PumpState.self, w).rawValue }
            return .devices(DeviceCursor(store: store, state: state))
        case .device:
            let serial = try knownSerial(r.serial)
            guard let device = try await store.device(serial) else { throw notFound(serial) }
            return .document(device)
        case .events:
            let serial = try await existingSerial(r.serial)
            return .events(try await store.eventCursor(serial: serial, limit: try limit(r.limit)))
        case .eligibility:
            var serial: String?
            if r.serial != nil { serial = try await existingSerial(r.serial) }
            let determination = try r.determination.map { w throws(ControlFailure) in
                try word(Determination.self, w).rawValue
            }
            if r.details == true {
                return .list(try await store.recordDetails(serial: serial, determination: determination))
            }
            return .list(try await store.records(serial: serial, determination: determination))
        case .enroll:
            let serial = try knownSerial(r.serial)
            guard let enrollment = r.therapy else {
                throw ControlFailure(code: .badUsage, message: "enroll needs a therapy")
            }
            let therapy = try therapy(from: enrollment)
            let (store, board) = (store, committer.board)
            return .document(
                try await committer.serialized {
                    let isNew = try await !store.pumpExists(serial)
                    let record = try await Eligibility(store: store).enroll(
                        serial: serial, enrollment: enrollment, therapy: therapy, now: now)
                    board.noteEnrolled(serial: serial, isNew: isNew, now: now)
                    board.apply(records: [record], changes: [], now: now)
                    metrics?.raised([record])
                    return record
                })
        case .requestReplacement:
            let serial = try knownSerial(r.serial)
            guard let reasonWord = r.reason else {
                throw ControlFailure(code: .badUsage, message: "request-replacement needs --reason")
            }
            let reason = try word(RequestReason.self, reasonWord)
            let (store, board, rules, note) = (store, committer.board, configuration.stallRules, r.note)
            let answer = try await committer.serialized {
                let record = try await Eligibility(store: store).requestReplacement(
                    serial: serial, reason: reason, note: note, rules: rules, now: now)
                if let record {
                    board.apply(records: [record], changes: [], now: now)
                    metrics?.raised([record])
                }
                return record
            }
            guard let record = answer else { throw notFound(serial) }
            return .document(record)
        case .rejected:
            return .list(try await store.rejected(limit: try limit(r.limit)))
        case .verify:
            return .document(try await store.verify())
        case .retire:
            return .document(try await retire(r, now: now))
        case .watch:
            return .watch(try await subscribe(hooks: hooks, now: now))
        case .record:
            return .document(try await record(r.id))
        case .backup:
            do {
                return .document(try await backups.take(now: now))
            } catch {
                logger.error("Backup failed", metadata: ["error": "\(error.description)"])
                throw ControlFailure(code: .unavailable, message: error.description)
            }
        }
    }

    private func therapy(from e: EnrollmentDocument) throws(ControlFailure) -> Therapy {
        if e.patient.isEmpty {
            throw ControlFailure(code: .badData, message: "the patient reference must not be empty")
        }
        if let p = e.criteria.trialReductionPercent, !(0...100).contains(p) {
            throw ControlFailure(
                code: .badData, message: "trial_reduction_percent must be between 0 and 100, not \(p)")
        }
        do {
            return Therapy(
                indication: try Indication(word: e.indication), drug: try Drug(word: e.drug),
                route: try Route(word: e.route), criteria: try TherapyCriteria(document: e.criteria))
        } catch {
            throw ControlFailure(code: .badData, message: error.description)
        }
    }

    private func word<W: PolicyVocabulary>(_ type: W.Type, _ w: String) throws(ControlFailure) -> W {
        do { return try W(word: w) } catch { throw ControlFailure(code: .badData, message: error.description) }
    }

    private func limit(_ limit: Int?) throws(ControlFailure) -> Int {
        let limit = limit ?? 50
        guard limit >= 1 else {
            throw ControlFailure(code: .badUsage, message: "--limit must be at least 1, not \(limit)")
        }
        return limit
    }

    func knownSerial(_ serial: String?) throws(ControlFailure) -> String {
        guard let serial else { throw ControlFailure(code: .badUsage, message: "a pump serial is required") }
        guard PumpSerial.isValid(serial) else {
            throw ControlFailure(code: .badData, message: "'\(serial)' is not a pump serial: \(PumpSerial.rule)")
        }
        return serial
    }

    private func existingSerial(_ serial: String?) async throws -> String {
        let serial = try knownSerial(serial)
        guard try await store.pumpExists(serial) else { throw notFound(serial) }
        return serial
    }

    func notFound(_ serial: String) -> ControlFailure {
        ControlFailure(
            code: .notFound,
            message: "no pump with serial \(serial) is known: it has never reported nor been enrolled")
    }
}

/// A successful answer: a document, or a list document to write element by element.
enum ControlAnswer: Sendable {
    /// The `watch` stream: the snapshot, then every change, until either side closes.
    case watch(WatchSubscription)
    case document(any Encodable & Sendable)
    case list(any ListDocument)
    /// The `events` list, read from the store as it is sent.
    case events(EventCursor)
    /// The `devices` list, read from the store as it is sent.
    case devices(DeviceCursor)
}

/// Where a reply's pieces go, in order; returns once the piece is written to the socket.
typealias ReplySink = ([UInt8]) async throws -> Void
