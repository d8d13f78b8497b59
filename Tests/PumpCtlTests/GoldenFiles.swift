import Foundation
import Testing

/// Golden texts kept as files beside this one: `Goldens/` for the runs against the fake daemon
/// (`NAME.txt`, `NAME.json`, and `NAME.reply.json`, the reply line it sends), `LiveGoldens/` for the
/// runs against the real one, after `LiveDaemon.normalise` (`#` stands for the digits of a time the
/// daemon stamped). Review a change of an output file as a change of the contract.
///
/// `PUMPCTL_RECORD_GOLDENS=1` rewrites every output file a test compares with what pumpctl prints
/// now; the test then fails, saying what it recorded, so a recording never passes for a check.
enum GoldenFiles {
    /// `Goldens` or `LiveGoldens`.
    enum Folder: String {
        case fake = "Goldens"
        case live = "LiveGoldens"
    }

    static let recording = ProcessInfo.processInfo.environment["PUMPCTL_RECORD_GOLDENS"] == "1"

    static func url(_ folder: Folder, _ file: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(folder.rawValue)
            .appendingPathComponent(file)
    }

    /// The text of a golden file.
    static func text(_ folder: Folder, _ file: String) throws -> String {
        String(decoding: try Data(contentsOf: url(folder, file)), as: UTF8.self)
    }

    /// The reply line the fake daemon sends for case `name`, without its newline: the bytes the
    /// real daemon writes for the same document (documents in their final `cli.md` form).
    static func reply(_ name: String) -> String {
        let text = (try? text(.fake, "\(name).reply.json")) ?? ""
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }

    /// Expects `actual` to equal the golden file, or records it in record mode.
    static func expect(
        _ actual: String, equals folder: Folder, _ file: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        if recording {
            try Data(actual.utf8).write(to: url(folder, file))
            Issue.record(
                "recorded \(folder.rawValue)/\(file): review the diff, then run without PUMPCTL_RECORD_GOLDENS",
                sourceLocation: sourceLocation)
            return
        }
        let golden = try text(folder, file)
        #expect(actual == golden, "differs from \(folder.rawValue)/\(file)", sourceLocation: sourceLocation)
    }
}
