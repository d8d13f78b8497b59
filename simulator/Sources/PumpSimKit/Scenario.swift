import Foundation
import PumpControlProtocol
import PumpPolicy
import PumpTelemetry

/// A scenario file: pumps, the therapy each is enrolled with, scripted events at simulated times,
/// and the conclusions the daemon must reach. The format is documented in `simulator/README.md`.
package struct Scenario: Sendable, Codable {
    /// A short name, e.g. `replacement-row-1-non-function-covered`.
    package var name: String
    /// What the scenario proves, in a sentence or two.
    package var description: String?
    /// The row of `policy.md` it exercises, e.g. `replacement 1`, when it exercises one.
    package var policyRow: String?
    /// Simulated time zero (RFC 3339); default `2025-01-06T00:00:00Z`. Event times are offsets from it.
    package var start: String?
    /// The pumps.
    package var pumps: [ScenarioPump]

    enum CodingKeys: String, CodingKey {
        case name, description, start, pumps
        case policyRow = "policy_row"
    }

    /// The default time zero: in the past, so the daemon never sees a message from the future.
    package static let defaultStart = "2025-01-06T00:00:00Z"

    /// Reads a scenario file, with errors that name the file and the problem.
    package static func load(path: String) throws(ScenarioError) -> Scenario {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ScenarioError(file: path, message: "cannot read it: \(error.localizedDescription)")
        }
        return try decode(data, file: path)
    }

    /// Decodes scenario JSON.
    package static func decode(_ data: Data, file: String) throws(ScenarioError) -> Scenario {
        do {
            return try JSONDecoder().decode(Scenario.self, from: data)
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw ScenarioError(file: file, message: "missing \"\(key.stringValue)\" at \(Self.path(ctx.codingPath))")
        } catch let DecodingError.dataCorrupted(ctx) {
            throw ScenarioError(file: file, message: "\(ctx.debugDescription) at \(Self.path(ctx.codingPath))")
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw ScenarioError(file: file, message: "\(ctx.debugDescription) at \(Self.path(ctx.codingPath))")
        } catch let DecodingError.valueNotFound(_, ctx) {
            throw ScenarioError(file: file, message: "\(ctx.debugDescription) at \(Self.path(ctx.codingPath))")
        } catch {
            throw ScenarioError(file: file, message: "not a scenario: \(error)")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
}

/// A scenario file that cannot be used, and why.
package struct ScenarioError: Error, Sendable, CustomStringConvertible {
    /// The file (or scenario name).
    package var file: String
    /// What is wrong and how to fix it.
    package var message: String

    package init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    /// `scenarios/x.json: ...`.
    package var description: String { "\(file): \(message)" }
}

/// One pump of a scenario.
package struct ScenarioPump: Sendable, Codable {
    /// Its serial.
    package var serial: String
    /// Its model.
    package var model: PumpModelKind
    /// The therapy enrolled before any telemetry; absent: never enrolled (indication unknown).
    package var enroll: ScenarioTherapy?
    /// A periodic status every so often (`24h`), from time zero to its last scripted event.
    package var statusEvery: SimDuration?
    /// Scripted events.
    package var events: [ScenarioEvent]
    /// What the daemon must conclude.
    package var expect: ScenarioExpectation

    enum CodingKeys: String, CodingKey {
        case serial, model, enroll, events, expect
        case statusEvery = "status_every"
    }
}

/// A therapy as a scenario writes it (criteria optional, each absent one unknown).
package struct ScenarioTherapy: Sendable, Codable, Hashable {
    /// Patient reference; default `PATIENT-<serial>`.
    package var patient: String?
    /// Indication word.
    package var indication: String
    /// Drug word.
    package var drug: String
    /// Route word.
    package var route: String
    package var criteria: CriteriaDocument?

    /// The enrollment document for `serial`.
    package func document(serial: String) -> EnrollmentDocument {
        EnrollmentDocument(
            patient: patient ?? "PATIENT-\(serial)", indication: indication, drug: drug, route: route,
            criteria: criteria ?? CriteriaDocument())
    }
}

/// What a scripted event does (`do`): a pump event, written as its word (`stall`, `critical_error`,
/// ..., see ``PumpEvent``), or one of the scenario's own actions.
package enum ScenarioAction: Sendable, Hashable, Codable {
    /// Something that happens to the pump; it sends what the pump would.
    case pump(PumpEvent)
    /// Something the scenario does beside the pump.
    case script(ScriptAction)

    package init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let word = try c.decode(String.self)
        if let event = PumpEvent(rawValue: word) {
            self = .pump(event)
        } else if let action = ScriptAction(rawValue: word) {
            self = .script(action)
        } else {
            let words = (PumpEvent.allCases.map(\.rawValue) + ScriptAction.allCases.map(\.rawValue))
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "unknown `do` '\(word)'; one of: \(words.joined(separator: ", "))")
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .pump(let event): try c.encode(event.rawValue)
        case .script(let action): try c.encode(action.rawValue)
        }
    }
}

/// The scenario's own actions, beside the pump events.
package enum ScriptAction: String, Sendable, Codable, CaseIterable {
    /// Any alert: `code`, `severity`, `state`, `detail` given in the event.
    case alert
    /// Resend an earlier message (`of`: its label; default the pump's previous message),
    /// re-serialised as a gateway would: the daemon must answer `duplicate`.
    case duplicate
    /// Send a malformed line (`variant`): the daemon must answer `rejected` with that reason.
    case malformed
    /// Ask for a replacement (`reason`, optional `note`) over the control socket.
    case requestReplacement = "request_replacement"
    /// Enroll (or re-enroll) the pump's therapy (`therapy`) over the control socket.
    case enroll
}

/// The ways `malformed` can break a line, each named after the rejection reason it must earn.
package enum MalformedVariant: String, Sendable, Codable, CaseIterable {
    /// A line cut short: not JSON (reply id null).
    case invalidJSON = "invalid_json"
    /// A status without its `model`.
    case missingField = "missing_field"
    /// `v: 2`.
    case unsupportedVersion = "unsupported_version"
    /// An alert with a code that is neither a protocol code nor a vendor code.
    case unknownCode = "unknown_code"
    /// A message stamped in the year 2999.
    case timestampInFuture = "timestamp_in_future"
    /// A line over 65,536 bytes (reply id null).
    case frameTooLarge = "frame_too_large"
}

/// One scripted event.
package struct ScenarioEvent: Sendable, Codable {
    /// When: an offset from time zero (`+10h`, `30d2h`) or an RFC 3339 time.
    package var at: String
    /// What happens.
    package var action: ScenarioAction
    /// A name for the message it sends, for a later `duplicate`.
    package var label: String?
    /// `duplicate`: the label of the message to resend.
    package var of: String?
    /// `request_replacement`: `convenience`, `upgrade` or `malfunction`.
    package var reason: String?
    /// `request_replacement`: a note.
    package var note: String?
    /// `malformed`: how; default `invalid_json`.
    package var variant: MalformedVariant?
    /// `alert`: the code.
    package var code: String?
    /// `alert`: the severity; default `warning`.
    package var severity: Severity?
    /// `alert`: `raised` (default) or `cleared`.
    package var state: String?
    /// `alert`: detail text.
    package var detail: String?
    /// `enroll`: the therapy.
    package var therapy: ScenarioTherapy?
    /// The reply expected (default: `accepted`; `duplicate` for duplicates, `rejected` for malformed
    /// and for a message stamped before 2000).
    package var expectReply: ReplyResult?
    /// The `at` the message carries when the pump's clock is not the scenario's: an offset from
    /// `at` (`-30s`, `+1m`) or an RFC 3339 time (`1970-01-01T00:00:00Z`, a clock that was reset).
    /// The event is still sent at `at`. A stamp before 2000 is expected `rejected`
    /// (`timestamp_implausible`).
    package var stamped: String?

    enum CodingKeys: String, CodingKey {
        case at, label, of, reason, note, variant, code, severity, state, detail, therapy, stamped
        case action = "do"
        case expectReply = "expect_reply"
    }
}

/// What the daemon must conclude about one pump.
package struct ScenarioExpectation: Sendable, Codable {
    /// The pump state word at the end (nil: not checked).
    package var state: PumpState?
    /// Every record the pump must have, and no others.
    package var records: [ExpectedRecord]
}
