import GRDB
import PumpControlProtocol

/// The store as it was at one moment, read later (a `watch` snapshot): its own connection, in one
/// read transaction, so that what it reads is exactly what was committed when it was made.
package struct StoreSnapshot: Sendable {
    let reader: DatabaseSnapshot
    let path: String

    /// Every pump in service (not retired), by serial, a page of `pageRows` at a time.
    package func pumps(pageRows: Int = 8192) -> SnapshotDeviceCursor {
        SnapshotDeviceCursor(snapshot: self, pageRows: pageRows)
    }
}

extension PumpStore {
    /// The store as it is now. Call it between two commits (from the commit loop) to have it match
    /// exactly what the daemon has published; it costs a connection while it lives.
    package func snapshot() throws(StoreError) -> StoreSnapshot {
        do {
            return StoreSnapshot(reader: try pool.makeSnapshot(), path: path)
        } catch {
            throw StoreError.from(error, path: path)
        }
    }
}

/// The pumps in service of a ``StoreSnapshot``, by serial, a page at a time.
package struct SnapshotDeviceCursor: ListCursor {
    private let snapshot: StoreSnapshot
    private let pageRows: Int
    private var lastSerial: String?
    private var done = false

    init(snapshot: StoreSnapshot, pageRows: Int) {
        self.snapshot = snapshot
        self.pageRows = max(1, pageRows)
    }

    package mutating func next() async throws(StoreError) -> [DeviceSummaryDocument] {
        guard !done else { return [] }
        let (lastSerial, pageRows) = (lastSerial, pageRows)
        let page: [DeviceSummaryDocument]
        do {
            page = try await snapshot.reader.read { db in
                var pumps = PumpListing.all().filter(PumpRow.Columns.state != "retired")
                if let lastSerial { pumps = pumps.filter(PumpRow.Columns.serial > lastSerial) }
                let statement = try pumps.order(PumpRow.Columns.serial).limit(pageRows).makePreparedRequest(db)
                    .statement
                let columns = try PumpListing(statement)
                return try Array(Row.fetchCursor(statement).map(columns.document))
            }
        } catch {
            throw StoreError.from(error, path: snapshot.path)
        }
        done = page.count < pageRows
        self.lastSerial = page.last?.serial
        return page
    }
}
