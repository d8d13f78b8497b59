import PumpControlProtocol
import PumpJSON
import PumpPolicy
import PumpTelemetry

/// The reply a scripted line must earn.
package struct ExpectedReply: Sendable, Hashable, CustomStringConvertible {
    /// The result.
    package var result: ReplyResult
    /// The reason word, when one is expected.
    package var reason: String?

    /// `rejected (invalid_json)`.
    package var description: String { result.rawValue + (reason.map { " (\($0))" } ?? "") }
}

/// One step of a compiled scenario, in the order it is played.
package enum ScenarioStep: Sendable {
    /// Send a line on the ingest socket; `message` is the well-formed message it carries, if any
    /// (nil for garbage and for resends, which change nothing).
    case send(serial: String, line: OutgoingLine, message: PumpMessage?, expect: ExpectedReply)
    /// Enroll a therapy over the control socket.
    case enroll(serial: String, therapy: EnrollmentDocument)
    /// Request a replacement over the control socket.
    case requestReplacement(serial: String, reason: RequestReason, note: String?)
}

/// A scenario turned into the exact lines and control calls to play, in order.
package struct ScenarioScript: Sendable {
    /// The scenario.
    package var scenario: Scenario
    /// The steps, by simulated time (then pump, then event order); enrollments first.
    package var steps: [ScenarioStep]

    /// Compiles `scenario`; throws on a time, word or label that does not make sense.
    package init(_ scenario: Scenario) throws(ScenarioError) {
        self.scenario = scenario
        let startText = scenario.start ?? Scenario.defaultStart
        let fail = { (message: String) -> ScenarioError in ScenarioError(file: scenario.name, message: message) }
        guard let start = SimTime(rfc3339: startText) else {
            throw fail("start '\(startText)' is not an RFC 3339 time like 2025-01-06T00:00:00Z")
        }
        var timed: [(at: SimTime, pump: Int, order: Int, step: ScenarioStep)] = []
        var seenSerials = Set<String>()
        for (pi, pump) in scenario.pumps.enumerated() {
            guard seenSerials.insert(pump.serial).inserted else { throw fail("serial \(pump.serial) appears twice") }
            if let therapy = pump.enroll {
                timed.append(
                    (
                        start.adding(-1), pi, -1,
                        .enroll(serial: pump.serial, therapy: therapy.document(serial: pump.serial))
                    ))
            }
            let p = PumpModelParameters.defaults(for: pump.model)
            var condition = PumpCondition(
                kind: pump.model, implantedAt: start, capacityTenthsML: p.reservoirTenthsML,
                dailyTenthsML: p.dailyTenthsML.lowerBound)
            var sequence = 0
            var labelled: [String: PumpMessage] = [:]
            var previous: PumpMessage? = nil
            func nextID() -> String {
                sequence += 1
                let n = String(sequence)
                return "\(pump.serial)-m" + String(repeating: "0", count: max(0, 4 - n.count)) + n
            }
            // Scripted events, with the periodic statuses merged in (an event before a status at the same time).
            var script: [(SimTime, Int, ScenarioEvent?)] = []
            for (ei, e) in pump.events.enumerated() {
                let at: SimTime
                if let d = SimDuration(parsing: e.at) {
                    at = start.adding(d.seconds)
                } else if let t = SimTime(rfc3339: e.at) {
                    at = t
                } else {
                    throw fail(
                        "\(pump.serial) event \(ei + 1): time '\(e.at)' is neither an offset like +10h nor RFC 3339")
                }
                script.append((at, ei * 2, e))
            }
            if let every = pump.statusEvery, every.seconds > 0, let last = script.map(\.0).max() {
                var t = start
                var k = 0
                while t <= last {
                    script.append((t, Int.max / 2 + k, nil))
                    t = t.adding(every.seconds)
                    k += 1
                }
            }
            script.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            for (order, (at, _, event)) in script.enumerated() {
                var stamp = at
                if let stamped = event?.stamped {
                    guard let t = Self.stamp(stamped, sentAt: at) else {
                        throw fail(
                            "\(pump.serial): stamp '\(stamped)' is neither an offset like -30s or +1m nor RFC 3339")
                    }
                    stamp = t
                }
                func emit(_ bodies: [Payload], label: String?) {
                    for body in bodies {
                        let m = PumpMessage(id: nextID(), serial: pump.serial, at: stamp, body: body)
                        previous = m
                        if let label { labelled[label] = m }
                        let implausible = stamp < SimTime.plausibleSince
                        let expect = ExpectedReply(
                            result: event?.expectReply ?? (implausible ? .rejected : .accepted),
                            reason: implausible ? "timestamp_implausible" : nil)
                        timed.append(
                            (
                                at, pi, order,
                                .send(serial: pump.serial, line: OutgoingLine(message: m), message: m, expect: expect)
                            ))
                    }
                }
                guard let event else {
                    emit(condition.apply(.status, at: at), label: nil)
                    continue
                }
                switch event.action {
                case .pump(let pumpEvent):
                    emit(condition.apply(pumpEvent, at: at), label: event.label)
                case .script(.alert):
                    guard let word = event.code else { throw fail("\(pump.serial): an `alert` event needs a `code`") }
                    guard let code = AlertCode(word: word) else {
                        throw fail(
                            "\(pump.serial): alert code '\(word)' is neither a protocol code nor a vendor code "
                                + "X-<VENDOR>-<NAME>; send an invalid code with a `malformed` event, variant `unknown_code`"
                        )
                    }
                    let body = AlertReport(
                        code: code, severity: event.severity ?? .warning,
                        state: event.state == "cleared" ? .cleared : .raised,
                        detail: event.detail)
                    emit([.alert(body)], label: event.label)
                case .script(.duplicate):
                    let original: PumpMessage?
                    if let of = event.of { original = labelled[of] } else { original = previous }
                    guard let original else {
                        throw fail(
                            "\(pump.serial): `duplicate` of '\(event.of ?? "the previous message")' which was not sent before"
                        )
                    }
                    let line = OutgoingLine(id: original.id, serial: pump.serial, bytes: original.reserializedLine())
                    let expect = ExpectedReply(result: event.expectReply ?? .duplicate, reason: nil)
                    timed.append((at, pi, order, .send(serial: pump.serial, line: line, message: nil, expect: expect)))
                case .script(.malformed):
                    let variant = event.variant ?? .invalidJSON
                    let line = Self.malformedLine(variant, id: nextID(), serial: pump.serial, at: at, model: pump.model)
                    let expect = ExpectedReply(result: event.expectReply ?? .rejected, reason: variant.rawValue)
                    timed.append((at, pi, order, .send(serial: pump.serial, line: line, message: nil, expect: expect)))
                case .script(.requestReplacement):
                    guard let word = event.reason, let reason = RequestReason(rawValue: word) else {
                        throw fail(
                            "\(pump.serial): `request_replacement` needs a `reason`: convenience, upgrade or malfunction"
                        )
                    }
                    timed.append(
                        (at, pi, order, .requestReplacement(serial: pump.serial, reason: reason, note: event.note)))
                case .script(.enroll):
                    guard let therapy = event.therapy else { throw fail("\(pump.serial): `enroll` needs a `therapy`") }
                    timed.append(
                        (at, pi, order, .enroll(serial: pump.serial, therapy: therapy.document(serial: pump.serial))))
                }
            }
        }
        timed.sort { a, b in
            if a.at != b.at { return a.at < b.at }
            if a.pump != b.pump { return a.pump < b.pump }
            return a.order < b.order
        }
        var tag = 0
        self.steps = timed.map { item in
            guard case .send(let serial, var line, let message, let expect) = item.step else { return item.step }
            line.tag = tag
            tag += 1
            return .send(serial: serial, line: line, message: message, expect: expect)
        }
    }

    /// The `at` an event's message carries: `stamped` as an offset from `sentAt` (`-30s`, `+1m`,
    /// `1m`) or as an RFC 3339 time.
    static func stamp(_ stamped: String, sentAt: SimTime) -> SimTime? {
        if stamped.hasPrefix("-"), let d = SimDuration(parsing: String(stamped.dropFirst())) {
            return sentAt.adding(-d.seconds)
        }
        if let d = SimDuration(parsing: stamped) { return sentAt.adding(d.seconds) }
        return SimTime(rfc3339: stamped)
    }

    /// A line broken the way `variant` names.
    static func malformedLine(
        _ variant: MalformedVariant, id: String, serial: String, at: SimTime, model: PumpModelKind
    )
        -> OutgoingLine
    {
        var echoed: String? = id
        let envelope: (JSONValue, String) -> JSONObject = { v, kind in
            ["v": v, "id": .string(id), "serial": .string(serial), "kind": .string(kind), "at": .string(at.rfc3339)]
        }
        var o: JSONObject
        switch variant {
        case .invalidJSON:
            echoed = nil
            return OutgoingLine(
                id: nil, serial: serial,
                bytes: Array("{\"v\":1,\"id\":\"\(id)\",\"serial\":\"\(serial)\",\"kind\":\"sta\n".utf8))
        case .missingField:
            o = envelope(1, "status")
            o.append("battery", .null)
            o.append("motor", "ok")
        case .unsupportedVersion:
            o = envelope(2, "status")
            o.append("model", .string(model.modelName))
            o.append("battery", .null)
            o.append("motor", "ok")
        case .unknownCode:
            o = envelope(1, "alert")
            o.append("code", "NOT_A_CODE")
            o.append("severity", "warning")
        case .timestampInFuture:
            o = envelope(1, "status")
            o["at"] = "2999-01-01T00:00:00Z"
            o.append("model", .string(model.modelName))
            o.append("battery", .null)
            o.append("motor", "ok")
        case .frameTooLarge:
            echoed = nil
            o = envelope(1, "alert")
            o.append("code", "PUMP_RESET")
            o.append("severity", "warning")
            o.append("detail", .string(String(repeating: "x", count: 70_000)))
        }
        return OutgoingLine(id: echoed, serial: serial, bytes: JSONLine.bytes(o))
    }
}
