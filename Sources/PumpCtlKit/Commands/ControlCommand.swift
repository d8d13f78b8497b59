import ArgumentParser
import Foundation
import PumpControlProtocol
import PumpJSON

/// A command that sends one control request and prints the reply's document.
protocol ControlCommand: ParsableCommand {
    /// The document the daemon answers with.
    associatedtype Document: Codable & Sendable
    /// `--socket` and `--json`, wherever they were given (see `PumpCtlCommand.global`).
    var global: GlobalOptions { get }
    /// The request, after checking every value (65 on bad data), before any connection.
    func request() throws(PumpCtlError) -> ControlRequest
    /// The text form of the document.
    static func render(_ document: Document, _ style: TextStyle) -> String
    /// The exit code of a run that got `document` (0 unless the document reports a finding).
    static func exitCode(for document: Document) -> Int32
    /// Whether `exitCode(for:)` reads the document (then `--json` keeps the reply as well as
    /// streaming it).
    static var reportsFindings: Bool { get }
    /// For a list document that can be too long to hold whole: its text built row by row as the
    /// reply arrives. Nil (the default): the document is decoded whole and given to `render`.
    static var textRows: TextRows? { get }
    /// With `--fhir`: what to ask and the options; nil (the default) for a run without it.
    func fhirExport() throws(PumpCtlError) -> (FHIRExport, FHIROptions)?
    /// How long the reply may take, for a request whose work grows with the store (a backup of a
    /// 10M-message store takes minutes); nil (the default): the environment's limit (30 s).
    static var replyTimeout: Duration? { get }
}

/// How a list reply becomes text one element at a time: only the rows (a few short cells each)
/// are kept, never the elements.
struct TextRows {
    /// The list's name in the document, `events` for `{"events":[...]}`.
    var listName: String
    /// One element's row.
    var row: (JSONValue, TextStyle) -> [TextTable.Cell]
    /// The text of every row (the same as `render` gives for the whole document).
    var text: ([[TextTable.Cell]], TextStyle) -> String
}

extension ControlCommand {
    static func exitCode(for document: Document) -> Int32 { 0 }
    static var reportsFindings: Bool { false }
    static var textRows: TextRows? { nil }
    func fhirExport() throws(PumpCtlError) -> (FHIRExport, FHIROptions)? { nil }
    static var replyTimeout: Duration? { nil }

    /// The process's run: its environment, its stdout; a failure goes to stderr and sets the exit code.
    func run() throws {
        var output = StandardOutput(descriptor: STDOUT_FILENO)
        let code: Int32
        do throws(PumpCtlError) {
            code = try perform(.forThisProcess(), &output)
            output.flush()
        } catch {
            FileHandle.standardError.write(Data("pumpctl: \(error.message)\n".utf8))
            throw ExitCode(error.exitCode)
        }
        if code != 0 { throw ExitCode(code) }
    }

    /// Checks the request, asks the daemon and prints its answer into `output`: with `--json` the
    /// reply's document as it streams in, else the document's text. Returns the exit code
    /// (`exitCode(for:)`; a `--json` run of a command with findings also keeps the reply to decide it).
    func perform(_ environment: PumpCtlEnvironment, _ output: inout StandardOutput) throws(PumpCtlError) -> Int32 {
        if let (export, options) = try fhirExport() {
            return try export.perform(options, socket: global.socket, environment, &output)
        }
        let request = try request()
        let line: [UInt8]
        do {
            line = try JSONWriter.bytes(of: request)
        } catch {
            throw PumpCtlError(exitCode: 70, message: "cannot write the request as JSON: \(error)")
        }
        let client = ControlSocketClient(
            path: environment.socketPath(option: global.socket), timeout: Self.replyTimeout ?? environment.replyTimeout)
        if global.json && !Self.reportsFindings {
            var reply = JSONReply(socket: client.path)
            try client.exchange(line) { (piece) throws(PumpCtlError) in try reply.receive(piece, into: &output) }
            try reply.finish(Document.self, into: &output)
            return 0
        }
        if let textRows = Self.textRows, !global.json {
            // (A command with text rows reports no findings: its exit code is 0.)
            let style = environment.textStyle
            var reply = ListElementReply(socket: client.path, listName: textRows.listName)
            var rows: [[TextTable.Cell]] = []
            try client.exchange(line) { (piece) throws(PumpCtlError) in
                try reply.receive(piece, as: JSONValue.self) { (element) throws(PumpCtlError) in
                    rows.append(textRows.row(element, style))
                }
            }
            try reply.finish()
            output.append(textRows.text(rows, style))
            return 0
        }
        var whole = WholeReply(socket: client.path)
        if global.json {
            var reply = JSONReply(socket: client.path)
            try client.exchange(line) { (piece) throws(PumpCtlError) in
                try whole.receive(piece)
                try reply.receive(piece, into: &output)
            }
            try reply.finish(Document.self, into: &output)
            return Self.exitCode(for: try whole.document(Document.self))
        }
        try client.exchange(line) { (piece) throws(PumpCtlError) in try whole.receive(piece) }
        let document = try whole.document(Document.self)
        output.append(Self.render(document, environment.textStyle))
        return Self.exitCode(for: document)
    }
}

/// A run's stdout: kept whole for an in-process run, written to the descriptor in large pieces by
/// the process. Nothing is written before the text passes 1 MiB, so a failure of a reply shorter
/// than that leaves stdout empty.
struct StandardOutput {
    /// Text not written yet (all of it without a descriptor).
    var pending: [UInt8] = []
    let descriptor: Int32?

    init(descriptor: Int32?) {
        self.descriptor = descriptor
    }

    mutating func append(_ text: String) {
        pending.append(contentsOf: text.utf8)
    }

    /// Writes the pending text once it is long enough to be worth a write.
    mutating func flushIfLong() {
        if pending.count >= 1 << 20 { flush() }
    }

    mutating func flush() {
        guard let descriptor else { return }
        var offset = 0
        while offset < pending.count {
            let written = pending.withUnsafeBytes { raw in
                write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { break }
            offset += written
        }
        pending.removeAll(keepingCapacity: true)
    }
}
