import GRDB

/// The store's schema as frozen SQL migrations. A shipped migration is never edited: a change is a
/// new migration appended below. Times are integers, microseconds since the Unix epoch (UTC).
package enum Schema {
    package static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2-store-identity") { db in
            try db.execute(sql: v2StoreIdentity)
        }
        migrator.registerMigration("v3-hash-chains") { db in
            try db.execute(sql: v3HashChains)
            // Filling the new column is an UPDATE, which the append-only triggers refuse: they are
            // dropped for the fill and recreated, with v1's exact SQL, in this same transaction, so
            // no other connection ever sees the tables without them.
            try db.execute(sql: "DROP TRIGGER record_no_update")
            try HashChain.record.fill(db)
            try db.execute(sql: recordNoUpdate)
            try db.execute(sql: "DROP TRIGGER audit_no_update")
            try HashChain.audit.fill(db)
            try db.execute(sql: auditNoUpdate)
        }
        migrator.registerMigration("v4-retirement") { db in
            try db.execute(sql: v4Retirement)
        }
        migrator.registerMigration("v4-message-source") { db in
            try db.execute(sql: v4MessageSource)
        }
        migrator.registerMigration("v5-hl7-outbox") { db in
            try db.execute(sql: v5HL7Outbox)
        }
        return migrator
    }

    static let v1 = """
        -- Every message accepted from a pump, raw bytes as received, plus the indexed fields.
        -- (serial, message_id) is the idempotency key; content_hash is a 64-bit FNV-1a of the
        -- canonical JSON, compared before the exact canonical comparison of a resend.
        CREATE TABLE message (
            id INTEGER PRIMARY KEY,
            serial TEXT NOT NULL,
            message_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            code TEXT,
            alert_state TEXT,
            at INTEGER NOT NULL,
            at_text TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            content_hash INTEGER NOT NULL,
            raw BLOB NOT NULL
        );
        CREATE UNIQUE INDEX message_identity ON message(serial, message_id);
        CREATE INDEX message_serial_at ON message(serial, at, id);

        -- Lines that were rejected: raw bytes, reason and detail (pumpctl rejected).
        CREATE TABLE quarantine (
            id INTEGER PRIMARY KEY,
            received_at INTEGER NOT NULL,
            reason TEXT NOT NULL,
            detail TEXT,
            message_id TEXT,
            raw BLOB NOT NULL
        );

        -- One row per pump known from telemetry or enrollment, with its latest state and the
        -- failure-detection state (JSON of PumpHealth) so that restarts replay nothing.
        CREATE TABLE pump (
            serial TEXT PRIMARY KEY,
            model TEXT,
            battery TEXT,
            state TEXT NOT NULL DEFAULT 'unknown',
            first_seen INTEGER NOT NULL,
            last_seen INTEGER,
            latest_status_id INTEGER,
            latest_status_at INTEGER,
            health BLOB,
            stall_deadline INTEGER,
            raised_non_function INTEGER NOT NULL DEFAULT 0,
            raised_impending_failure INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE INDEX pump_state ON pump(state);
        CREATE INDEX pump_stall_deadline ON pump(stall_deadline) WHERE stall_deadline IS NOT NULL;

        -- Enrolled therapies; the current one per pump has current = 1, earlier ones stay as history.
        CREATE TABLE therapy (
            id INTEGER PRIMARY KEY,
            serial TEXT NOT NULL,
            patient TEXT NOT NULL,
            indication TEXT NOT NULL,
            drug TEXT NOT NULL,
            route TEXT NOT NULL,
            criteria TEXT NOT NULL,
            enrolled_at INTEGER NOT NULL,
            current INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX therapy_current ON therapy(serial) WHERE current = 1;
        CREATE INDEX therapy_serial ON therapy(serial, id);

        -- Eligibility records: facts, never updated nor deleted. A telemetry record is raised
        -- once per pump and criterion, which the partial unique index enforces.
        CREATE TABLE record (
            id INTEGER PRIMARY KEY,
            serial TEXT NOT NULL,
            type TEXT NOT NULL,
            trigger TEXT NOT NULL,
            request_reason TEXT,
            determination TEXT NOT NULL,
            clause TEXT NOT NULL,
            replacement_criterion TEXT,
            indication_status TEXT NOT NULL,
            indication_clause TEXT,
            missing TEXT NOT NULL,
            supplies_covered INTEGER NOT NULL,
            evidence TEXT NOT NULL,
            note TEXT,
            therapy_id INTEGER,
            created_at INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX record_telemetry_once ON record(serial, replacement_criterion)
            WHERE trigger = 'telemetry';
        CREATE INDEX record_serial ON record(serial, created_at, id);
        CREATE INDEX record_created ON record(created_at, id);
        CREATE INDEX record_determination ON record(determination, created_at, id);
        CREATE TRIGGER record_no_update BEFORE UPDATE ON record
            BEGIN SELECT RAISE(ABORT, 'eligibility records are facts and cannot be changed'); END;
        CREATE TRIGGER record_no_delete BEFORE DELETE ON record
            BEGIN SELECT RAISE(ABORT, 'eligibility records are facts and cannot be deleted'); END;

        -- Who asked what through the control socket: one row per request, allowed or refused.
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            uid INTEGER,
            user TEXT,
            command TEXT NOT NULL,
            arguments TEXT NOT NULL,
            outcome TEXT NOT NULL
        );
        CREATE INDEX audit_at ON audit(at);
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        """

    /// The store's identity: a random 128-bit id drawn once, when the store is created (or, for a
    /// store from before this migration, when it is first opened), and kept beside the store in the
    /// state directory too, so that a start on a store that vanished, was emptied or was swapped for
    /// another one is refused instead of carrying on with what it finds.
    static let v2StoreIdentity = """
        CREATE TABLE store_identity (id TEXT NOT NULL);
        INSERT INTO store_identity (id) VALUES (lower(hex(randomblob(16))));
        CREATE TRIGGER store_identity_no_insert BEFORE INSERT ON store_identity
            BEGIN SELECT RAISE(ABORT, 'a store has one identity'); END;
        CREATE TRIGGER store_identity_no_update BEFORE UPDATE ON store_identity
            BEGIN SELECT RAISE(ABORT, 'a store keeps its identity'); END;
        CREATE TRIGGER store_identity_no_delete BEFORE DELETE ON store_identity
            BEGIN SELECT RAISE(ABORT, 'a store keeps its identity'); END;
        """

    /// v1's update triggers, as v1 created them (v3 recreates them).
    static let recordNoUpdate = """
        CREATE TRIGGER record_no_update BEFORE UPDATE ON record
            BEGIN SELECT RAISE(ABORT, 'eligibility records are facts and cannot be changed'); END;
        """
    static let auditNoUpdate = """
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        """

    /// Tamper evidence (`HashChain`): `chain_hash` on records and audit rows, computed here once for
    /// the rows already stored. The audit trail keeps each request's exact bytes in `request` (a
    /// BLOB: invalid UTF-8 included); `arguments` keeps its readable text (invalid bytes replaced),
    /// and rows from before this migration have only that (`request` NULL).
    static let v3HashChains = """
        ALTER TABLE record ADD COLUMN chain_hash TEXT;
        ALTER TABLE audit ADD COLUMN request BLOB;
        ALTER TABLE audit ADD COLUMN chain_hash TEXT;
        """

    /// Device life cycle (issue 13): why a pump is in its state (`pump.reason`: the failure-detection
    /// reason, or the retirement reason of a retired pump; filled for earlier rows when the store is
    /// opened, see `PumpStore.fillMissingReasons`), and one row per retired pump, never changed nor
    /// deleted (a retirement is final); and an index of the reservoir alerts, which the daemon's
    /// alert board reads whole at start.
    static let v4Retirement = """
        ALTER TABLE pump ADD COLUMN reason TEXT;
        CREATE TABLE retirement (
            serial TEXT PRIMARY KEY,
            reason TEXT NOT NULL,
            replaced_by TEXT,
            note TEXT,
            retired_at INTEGER NOT NULL,
            previous_state TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TRIGGER retirement_no_update BEFORE UPDATE ON retirement
            BEGIN SELECT RAISE(ABORT, 'a retirement is final and cannot be changed'); END;
        CREATE TRIGGER retirement_no_delete BEFORE DELETE ON retirement
            BEGIN SELECT RAISE(ABORT, 'a retirement is final and cannot be deleted'); END;
        -- The reservoir alerts, read whole when the daemon starts (its alert board): a small index.
        CREATE INDEX message_reservoir ON message(serial, code, at, id)
            WHERE kind = 'alert' AND code IN ('LOW_RESERVOIR', 'EMPTY_RESERVOIR');
        """

    /// Who sent each message and each quarantined line (issue 14): `gateway:NAME`,
    /// `sha256:FINGERPRINT` (a certificate the gateways file does not name), `unix:UID` or
    /// `tcp:ADDRESS`; NULL in rows stored before.
    static let v4MessageSource = """
        ALTER TABLE message ADD COLUMN source TEXT;
        ALTER TABLE quarantine ADD COLUMN source TEXT;
        """

    /// The HL7 outbox (issue 15, outbound): one row per transition of an alert sent to the Alert
    /// Manager as a PCD-04 (`firing` or `resolved`), with the exact ER7 message and its MSH-10
    /// control id, in the order queued (`id`, never reused). A row is sent until it is acknowledged
    /// (`acknowledged_at`) or refused with AE/CE (`refused_at`, `last_error`); `attempts` and
    /// `last_error` record the tries.
    static let v5HL7Outbox = """
        CREATE TABLE hl7_outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            alertname TEXT NOT NULL,
            serial TEXT NOT NULL,
            status TEXT NOT NULL,
            control_id TEXT NOT NULL UNIQUE,
            message BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            acknowledged_at INTEGER,
            refused_at INTEGER
        );
        CREATE INDEX hl7_outbox_alert ON hl7_outbox(alertname, serial, id);
        CREATE INDEX hl7_outbox_unsent ON hl7_outbox(id) WHERE acknowledged_at IS NULL AND refused_at IS NULL;
        """
}
