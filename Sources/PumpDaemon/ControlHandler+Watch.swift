import Foundation
import PumpControlProtocol
import PumpHealth
import PumpIngest
import PumpPolicy
import PumpStore
import PumpTelemetry

extension ControlHandler {
    /// `watch`: subscribes, sends the snapshot and `synced`, then each change as the commit loop
    /// publishes it, one reply line each, until the connection closes or the watcher falls behind
    /// (then its connection is closed: it reconnects and gets a fresh snapshot).
    static func watch(board: AlertBoard, now: Int64, hooks: WatchHooks, send: ReplySink) async throws {
        let subscription = board.subscribe(now: now, overflow: hooks.close)
        guard hooks.start({ board.unsubscribe(subscription.id) }) else {
            board.unsubscribe(subscription.id)
            return
        }
        // The snapshot in pieces of about 256 KiB (a line each would be a write per pump).
        var pending: [UInt8] = []
        try await subscription.snapshot.forEachEvent { event in
            for piece in ControlReplyWriter.success(event) { pending += piece }
            if pending.count >= 1 << 18 {
                try await send(pending)
                pending.removeAll(keepingCapacity: true)
            }
        }
        if !pending.isEmpty { try await send(pending) }
        for await event in subscription.changes {
            for piece in ControlReplyWriter.success(event) { try await send(piece) }
        }
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
