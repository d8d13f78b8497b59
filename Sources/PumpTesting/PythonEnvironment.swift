import Foundation

/// The virtual environment `scripts/ensure-deps.sh` creates at the package root with the Python
/// peers and validators the tests run against (python-hl7 and its `mllp_send`, hl7apy,
/// fhir.resources; pinned in scripts/python-requirements.txt).
package enum PythonEnvironment {
    /// The environment's folder.
    package static var root: URL { BuiltProducts.packageRoot.appendingPathComponent(".venv") }

    /// The environment's interpreter.
    package static var python: String { executable("python") }

    /// A program the environment installed (`mllp_send`, say).
    package static func executable(_ name: String) -> String {
        root.appendingPathComponent("bin/\(name)").path
    }

    /// Why the environment cannot be used, or nil when it can: a test reports this as its failure
    /// (never as a skip), naming the command that mends it.
    package static var problem: String? {
        FileManager.default.isExecutableFile(atPath: python)
            ? nil : "\(python) is missing: run scripts/ensure-deps.sh (it creates .venv from PyPI)"
    }
}
