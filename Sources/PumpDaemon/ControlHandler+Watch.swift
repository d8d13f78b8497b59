import Foundation
import PumpControlProtocol
import PumpHealth
import PumpIngest
import PumpPolicy
import PumpStore
import PumpTelemetry

extension ControlHandler {
    /// Subscribes a watcher between two commits (in the commit loop): the store's snapshot and the
    /// board's firing alerts are then exactly what was published before the first change it gets.
    func subscribe(hooks: WatchHooks, now: Int64) async throws -> WatchSubscription {
        let (store, board) = (store, committer.board)
        return try await committer.serialized {
            board.subscribe(now: now, store: try store.snapshot(), overflow: hooks.close)
        }
    }

    /// `watch`: sends the snapshot and `synced`, then each change as the commit loop publishes it,
    /// one reply line each, until the connection closes or the watcher falls behind (then its
    /// connection is closed: it reconnects and gets a fresh snapshot).
    static func watch(
        _ subscription: consuming WatchSubscription, board: AlertBoard, hooks: WatchHooks, send: ReplySink
    ) async throws {
        let (id, changes) = (subscription.id, subscription.changes)
        guard hooks.start({ board.unsubscribe(id) }) else {
            board.unsubscribe(id)
            return
        }
        try await sendSnapshot(subscription.snapshot, send: send)
        for await event in changes {
            for piece in ControlReplyWriter.success(event) { try await send(piece) }
        }
    }

    /// The snapshot in pieces of about 256 KiB (a line each would be a write per pump); its store
    /// connection is released when it returns.
    private static func sendSnapshot(_ snapshot: consuming WatchSnapshot, send: ReplySink) async throws {
        var pending: [UInt8] = []
        try await snapshot.forEachEvent { event in
            for piece in ControlReplyWriter.success(event) { pending += piece }
            if pending.count >= 1 << 18 {
                try await send(pending)
                pending.removeAll(keepingCapacity: true)
            }
        }
        if !pending.isEmpty { try await send(pending) }
    }

    /// `retire`: in the commit loop, so that the writer's cached row and the board agree.
    func retire(_ r: ControlRequest, now: Int64) async throws -> RetirementDocument {
        let serial = try knownSerial(r.serial)
        guard let reasonWord = r.reason else {
            let words = RetirementReason.acceptedWords.joined(separator: ", ")
            throw ControlFailure(code: .badUsage, message: "retire needs --reason (one of \(words))")
        }
        let reason: RetirementReason
        do {
            reason = try RetirementReason(word: reasonWord)
        } catch {
            throw ControlFailure(code: .badData, message: error.description)
        }
        let replacedBy = try r.replacedBy.map { s throws(ControlFailure) in try knownSerial(s) }
        if replacedBy == serial {
            throw ControlFailure(code: .badData, message: "--replaced-by names the retired pump itself (\(serial))")
        }
        let (writer, board, note) = (writer, committer.board, r.note)
        let outcome = try await committer.serialized {
            let outcome = try await writer.retire(
                serial: serial, reason: reason, replacedBy: replacedBy, note: note, now: now)
            if case .retired(_, let change) = outcome { board.apply(records: [], changes: [change], now: now) }
            return outcome
        }
        switch outcome {
        case .unknown:
            throw notFound(serial)
        case .alreadyRetired(let earlier):
            throw ControlFailure(
                code: .badData,
                message: "\(serial) was already retired on \(Timestamp.format(micros: earlier.retiredAt)) "
                    + "(\(earlier.reason)); a retirement is final and is not changed")
        case .retired(let row, _):
            return RetirementDocument(
                serial: row.serial, state: PumpState.retired.rawValue, reason: row.reason, replacedBy: row.replacedBy,
                note: row.note, retiredAt: Timestamp.format(micros: row.retiredAt), previousState: row.previousState)
        }
    }
}
