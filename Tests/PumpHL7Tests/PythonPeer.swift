import Foundation
import PumpJSON
import PumpTesting

/// Runs python-hl7 and hl7apy (the .venv of scripts/ensure-deps.sh) on ACKs: check_acks.py.
enum PythonPeer {
    /// What check_acks.py read from one ACK.
    struct CheckedAck: Sendable {
        var msa1: String
        var msa2: String
        var err2: String?
        var err3: String?
        var valid: Bool
        var error: String?
    }

    static var script: String {
        BuiltProducts.packageRoot.appendingPathComponent("Tests/PumpHL7Tests/Python/check_acks.py").path
    }

    /// Checks the ACKs in `files` (each a bare ACK, or mllp_send's output of several).
    static func check(files: [String]) throws -> [CheckedAck] {
        let output = try ProgramRun.run(PythonEnvironment.python, [script] + files).stdout
        return try output.split(separator: "\n").map { line in
            let value = try JSONParser.parse(Array(line.utf8))
            return CheckedAck(
                msa1: value["msa1"]?.stringValue ?? "", msa2: value["msa2"]?.stringValue ?? "",
                err2: value["err2"]?.stringValue, err3: value["err3"]?.stringValue,
                valid: value["valid"] == .bool(true), error: value["error"]?.stringValue)
        }
    }
}
