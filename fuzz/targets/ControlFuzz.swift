// libFuzzer target: one control-socket request line through what the daemon does before it
// touches the store: JSONDecoder into ControlRequest, then the validation of every field
// (serial rule, vocabulary words, limit, therapy and criteria), the audit text, and the
// encoding of the reply. Mirrors PumpDaemon's ControlHandler (which needs a store, so it is not
// linked here). Built by scripts/fuzz with swiftc -sanitize=fuzzer.
import Foundation
import PumpControlProtocol
import PumpJSON
import PumpPolicy
import PumpTelemetry

private func validate(_ r: ControlRequest) -> ControlFailure? {
    func word<W: PolicyVocabulary>(_ type: W.Type, _ w: String?) -> ControlFailure? {
        guard let w else { return nil }
        do { _ = try W(word: w) } catch { return ControlFailure(code: .badData, message: error.description) }
        return nil
    }
    if let serial = r.serial, !PumpSerial.isValid(serial) {
        return ControlFailure(code: .badData, message: "'\(serial)' is not a pump serial: \(PumpSerial.rule)")
    }
    if let limit = r.limit, limit < 1 {
        return ControlFailure(code: .badUsage, message: "--limit must be at least 1, not \(limit)")
    }
    if let f = word(PumpState.self, r.state) ?? word(Determination.self, r.determination)
        ?? word(RequestReason.self, r.reason)
    {
        return f
    }
    if let e = r.therapy {
        if e.patient.isEmpty { return ControlFailure(code: .badData, message: "empty patient") }
        if let p = e.criteria.trialReductionPercent, !(0...100).contains(p) {
            return ControlFailure(code: .badData, message: "trial_reduction_percent \(p)")
        }
        do {
            let route = try e.criteria.trialRoute.map { w throws(VocabularyError) in try Route(word: w) }
            _ = Therapy(
                indication: try Indication(word: e.indication), drug: try Drug(word: e.drug),
                route: try Route(word: e.route),
                criteria: TherapyCriteria(
                    severeRefractory: e.criteria.severeRefractory, oralBaclofenFailed: e.criteria.oralBaclofenFailed,
                    metastasesLimitedToLiver: e.criteria.metastasesLimitedToLiver,
                    priorExternalTreprostinil: e.criteria.priorExternalTreprostinil,
                    severeChronicIntractable: e.criteria.severeChronicIntractable,
                    trialReductionPercent: e.criteria.trialReductionPercent, trialRoute: route))
        } catch {
            return ControlFailure(code: .badData, message: error.description)
        }
    }
    return nil
}

/// libFuzzer entry point: decodes and validates one control request from the fuzzer's bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzControl(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = Array(UnsafeBufferPointer(start: data, count: size))
    let request = try? JSONDecoder().decode(ControlRequest.self, from: Data(line))
    let audit = String(decoding: line, as: UTF8.self)
    _ = audit.utf8.count
    let failure: ControlFailure =
        request.flatMap(validate) ?? ControlFailure(code: .badUsage, message: "not a control request")
    if let request {
        // What pumpctl would send for the same request decodes to the same request.
        guard let encoded = try? JSONWriter.bytes(of: request),
            let again = try? JSONDecoder().decode(ControlRequest.self, from: Data(encoded)), again == request
        else { fatalError("a decoded request does not round-trip") }
    }
    // The daemon's reply: one line, which reads back as the same failure.
    let reply = Array(ControlReplyWriter.failure(failure).joined())
    guard reply.firstIndex(of: 10) == reply.count - 1,
        let back = try? JSONDecoder().decode(ControlReply<String>.self, from: Data(reply)), back.error == failure
    else { fatalError("the failure reply is not one line that reads back") }
    return 0
}
