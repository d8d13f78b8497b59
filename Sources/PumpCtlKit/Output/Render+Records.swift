import PumpControlProtocol

extension Render {
    /// `pumpctl eligibility`: one line per record, newest first.
    package static func records(_ doc: RecordListDocument, _ style: TextStyle) -> String {
        guard !doc.records.isEmpty else { return "No eligibility records.\n" }
        let rows: [[TextTable.Cell]] = doc.records.map { record in
            [
                .init(style.time(record.createdAt)),
                .init(TextSanitizer.visible(record.id)),
                .init(TextSanitizer.visible(record.serial)),
                .init(TextSanitizer.visible(record.type)),
                .init(TextSanitizer.visible(record.trigger)),
                Words.determination(record.determination, missing: record.missing),
                .init(TextSanitizer.visible(record.clause)),
            ]
        }
        return TextTable(
            header: ["CREATED", "RECORD", "SERIAL", "TYPE", "TRIGGER", "DETERMINATION", "CLAUSE"], rows: rows
        ).render(style)
    }

    /// `pumpctl enroll` and `pumpctl request-replacement`: one record in full.
    package static func record(_ record: EligibilityRecordDocument, _ style: TextStyle) -> String {
        let what = record.type == "implant" ? "implant assessment" : TextSanitizer.visible(record.type)
        let how = record.trigger == "telemetry" ? "raised by telemetry" : "on request"
        var out =
            style.paint("Record \(TextSanitizer.visible(record.id))", .bold)
            + ": \(what) of pump \(TextSanitizer.visible(record.serial)), \(how)\n"
        var rows: [(String, TextTable.Cell)] = [
            ("Determination", Words.determination(record.determination, missing: record.missing)),
            ("Clause", .init(Words.clause(record.clause))),
            ("Criterion", Words.criterion(record.replacementCriterion)),
            ("Indication", Words.indication(status: record.indication.status, clause: record.indication.clause)),
            (
                "Missing facts",
                record.missing.isEmpty
                    ? .init("none", .dim)
                    : .init(record.missing.map { TextSanitizer.visible($0) }.joined(separator: ", "), .warning)
            ),
            ("Supplies", record.suppliesCovered ? .init("covered (MN.supplies)", .good) : .init("not covered")),
        ]
        if let reason = record.requestReason { rows.append(("Request reason", .init(Words.reason(reason)))) }
        if let note = record.note { rows.append(("Note", .init(TextSanitizer.visible(note)))) }
        rows.append(
            (
                "Policy",
                .init(
                    "\(TextSanitizer.visible(record.policy.id)), effective \(TextSanitizer.visible(record.policy.effective))"
                )
            ))
        rows.append(("Created", .init(style.time(record.createdAt))))
        rows.append(("Evidence", record.evidence.isEmpty ? .init("none", .dim) : .init("")))
        out += fields(rows, style)
        if !record.evidence.isEmpty {
            let evidence: [[TextTable.Cell]] = record.evidence.map { item in
                [
                    .init(style.time(item.at)),
                    .init(TextSanitizer.visible(item.kind)),
                    .init(item.code.map { TextSanitizer.visible($0) } ?? "-"),
                    .init(TextSanitizer.visible(item.messageID, limit: 40)),
                ]
            }
            out += TextTable(header: ["AT", "KIND", "CODE", "MESSAGE ID"], rows: evidence).render(style, indent: "    ")
        }
        return out
    }
}
