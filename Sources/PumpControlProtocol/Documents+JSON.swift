// Every document of `cli.md` writes its own compact JSON with `DocumentWriter`, keys in the spec's
// order (the order of its `encode(to:)`), optional fields as `null`: the daemon's replies are made
// this way, without `JSONEncoder`.

/// A document that writes itself as compact JSON, keys in the order `cli.md` shows them.
public protocol JSONWritable: Sendable {
    /// Appends the document's JSON to `w`.
    func write(to w: inout DocumentWriter) throws(DocumentWriteError)
}

extension JSONWritable {
    /// The document's compact JSON text, as UTF-8.
    public func jsonBytes() throws(DocumentWriteError) -> [UInt8] {
        var w = DocumentWriter()
        try write(to: &w)
        return w.bytes
    }
}

extension PolicyIdentityDocument: JSONWritable {
    /// `{"id","effective"}`.
    public func write(to w: inout DocumentWriter) {
        w.beginObject()
        w.key("id")
        w.string(id)
        w.key("effective")
        w.string(effective)
        w.endObject()
    }
}

extension EvidenceDocument: JSONWritable {
    /// `{"message_id","kind","code","at"}`.
    public func write(to w: inout DocumentWriter) {
        w.beginObject()
        w.key("message_id")
        w.string(messageID)
        w.key("kind")
        w.string(kind)
        w.key("code")
        w.string(code)
        w.key("at")
        w.string(at)
        w.endObject()
    }
}

extension IndicationDocument: JSONWritable {
    /// `{"status","clause"}`.
    public func write(to w: inout DocumentWriter) {
        w.beginObject()
        w.key("status")
        w.string(status)
        w.key("clause")
        w.string(clause)
        w.endObject()
    }
}

extension EligibilityRecordDocument: JSONWritable {
    /// The record's keys in the order of `cli.md`.
    public func write(to w: inout DocumentWriter) {
        w.beginObject()
        w.key("id")
        w.string(id)
        w.key("serial")
        w.string(serial)
        w.key("type")
        w.string(type)
        w.key("trigger")
        w.string(trigger)
        w.key("request_reason")
        w.string(requestReason)
        w.key("determination")
        w.string(determination)
        w.key("clause")
        w.string(clause)
        w.key("replacement_criterion")
        w.string(replacementCriterion)
        w.key("indication")
        indication.write(to: &w)
        w.key("missing")
        w.array(missing) { word, w in w.string(word) }
        w.key("supplies_covered")
        w.bool(suppliesCovered)
        w.key("evidence")
        w.array(evidence) { item, w in item.write(to: &w) }
        w.key("policy")
        policy.write(to: &w)
        w.key("created_at")
        w.string(createdAt)
        w.key("note")
        w.string(note)
        w.endObject()
    }
}

extension RecordListDocument: JSONWritable {
    /// `{"records":[...]}`.
    public func write(to w: inout DocumentWriter) {
        w.namedList("records", records) { record, w in record.write(to: &w) }
    }
}

extension DeviceSummaryDocument: JSONWritable {
    /// `{"serial","model","state","battery","last_seen"}`.
    public func write(to w: inout DocumentWriter) {
        w.beginObject()
        w.key("serial")
        w.string(serial)
        w.key("model")
        w.string(model)
        w.key("state")
        w.string(state)
        w.key("battery")
        w.string(battery)
        w.key("last_seen")
        w.string(lastSeen)
        w.endObject()
    }
}

extension DeviceListDocument: JSONWritable {
    /// `{"devices":[...]}`.
    public func write(to w: inout DocumentWriter) {
        w.namedList("devices", devices) { device, w in device.write(to: &w) }
    }
}

extension CriteriaDocument: JSONWritable {
    /// Every criterion, unknown ones as `null`.
    public func write(to w: inout DocumentWriter) throws(DocumentWriteError) {
        func bool(_ value: Bool?, _ w: inout DocumentWriter) {
            if let value { w.bool(value) } else { w.null() }
        }
        w.beginObject()
        w.key("severe_refractory")
        bool(severeRefractory, &w)
        w.key("oral_baclofen_failed")
        bool(oralBaclofenFailed, &w)
        w.key("metastases_limited_to_liver")
        bool(metastasesLimitedToLiver, &w)
        w.key("prior_external_treprostinil")
        bool(priorExternalTreprostinil, &w)
        w.key("severe_chronic_intractable")
        bool(severeChronicIntractable, &w)
        w.key("trial_reduction_percent")
        if let trialReductionPercent { try w.double(trialReductionPercent) } else { w.null() }
        w.key("trial_route")
        w.string(trialRoute)
        w.endObject()
    }
}

extension TherapyDocument: JSONWritable {
    /// `{"patient","indication","drug","route","criteria","enrolled_at"}`.
    public func write(to w: inout DocumentWriter) throws(DocumentWriteError) {
        w.beginObject()
        w.key("patient")
        w.string(patient)
        w.key("indication")
        w.string(indication)
        w.key("drug")
        w.string(drug)
        w.key("route")
        w.string(route)
        w.key("criteria")
        try criteria.write(to: &w)
        w.key("enrolled_at")
        w.string(enrolledAt)
        w.endObject()
    }
}

extension OpenAlertDocument: JSONWritable {
    /// `{"message_id","code","severity","at","detail"}`.
    public func write(to w: inout DocumentWriter) {
        w.beginObject()
        w.key("message_id")
        w.string(messageID)
        w.key("code")
        w.string(code)
        w.key("severity")
        w.string(severity)
        w.key("at")
        w.string(at)
        w.key("detail")
        w.string(detail)
        w.endObject()
    }
}

extension DeviceDetailDocument: JSONWritable {
    /// The summary's keys, then `therapy`, `open_alerts`, `latest_status`.
    public func write(to w: inout DocumentWriter) throws(DocumentWriteError) {
        w.beginObject()
        w.key("serial")
        w.string(serial)
        w.key("model")
        w.string(model)
        w.key("state")
        w.string(state)
        w.key("battery")
        w.string(battery)
        w.key("last_seen")
        w.string(lastSeen)
        w.key("therapy")
        if let therapy { try therapy.write(to: &w) } else { w.null() }
        w.key("open_alerts")
        w.array(openAlerts) { alert, w in alert.write(to: &w) }
        w.key("latest_status")
        try w.value(latestStatus ?? .null)
        w.endObject()
    }
}

extension EventListDocument: JSONWritable {
    /// `{"events":[...]}`, each message with its keys sorted.
    public func write(to w: inout DocumentWriter) throws(DocumentWriteError) {
        try w.namedList("events", events) { (event, w) throws(DocumentWriteError) in try w.value(event) }
    }
}

extension RejectedDocument: JSONWritable {
    /// `{"received_at","reason","detail","raw","raw_base64"}`.
    public func write(to w: inout DocumentWriter) {
        w.beginObject()
        w.key("received_at")
        w.string(receivedAt)
        w.key("reason")
        w.string(reason)
        w.key("detail")
        w.string(detail)
        w.key("raw")
        w.string(raw)
        w.key("raw_base64")
        w.string(rawBase64)
        w.endObject()
    }
}

extension RejectedListDocument: JSONWritable {
    /// `{"rejected":[...]}`.
    public func write(to w: inout DocumentWriter) {
        w.namedList("rejected", rejected) { item, w in item.write(to: &w) }
    }
}

extension DaemonStatusDocument: JSONWritable {
    /// `{"version","uptime_s","store","pumps","messages","records","rejected"}`.
    public func write(to w: inout DocumentWriter) {
        w.beginObject()
        w.key("version")
        w.string(version)
        w.key("uptime_s")
        w.int(Int64(uptimeS))
        w.key("store")
        w.string(store)
        w.key("pumps")
        w.int(Int64(pumps))
        w.key("messages")
        w.int(Int64(messages))
        w.key("records")
        w.int(Int64(records))
        w.key("rejected")
        w.int(Int64(rejected))
        w.endObject()
    }
}

extension ControlFailure: JSONWritable {
    /// `{"code","message"}`.
    public func write(to w: inout DocumentWriter) {
        w.beginObject()
        w.key("code")
        w.string(code.rawValue)
        w.key("message")
        w.string(message)
        w.endObject()
    }
}

/// A document already written as JSON bytes (the daemon's list queries write theirs row by row).
public struct WrittenDocument: JSONWritable {
    /// The document's compact JSON text.
    public var bytes: [UInt8]

    /// Wraps bytes that hold one JSON value.
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Appends the bytes.
    public func write(to w: inout DocumentWriter) {
        w.written(bytes)
    }
}

extension EnrollmentDocument: JSONWritable {
    /// `{"patient","indication","drug","route","criteria"}`.
    public func write(to w: inout DocumentWriter) throws(DocumentWriteError) {
        w.beginObject()
        w.key("patient")
        w.string(patient)
        w.key("indication")
        w.string(indication)
        w.key("drug")
        w.string(drug)
        w.key("route")
        w.string(route)
        w.key("criteria")
        try criteria.write(to: &w)
        w.endObject()
    }
}

extension ControlRequest: JSONWritable {
    /// The request line's JSON: `op`, then each field the operation uses (absent ones are left out),
    /// in the order of the type's coding keys.
    public func write(to w: inout DocumentWriter) throws(DocumentWriteError) {
        w.beginObject()
        w.key("op")
        w.string(op.rawValue)
        if let serial {
            w.key("serial")
            w.string(serial)
        }
        if let limit {
            w.key("limit")
            w.int(Int64(limit))
        }
        if let state {
            w.key("state")
            w.string(state)
        }
        if let determination {
            w.key("determination")
            w.string(determination)
        }
        if let therapy {
            w.key("therapy")
            try therapy.write(to: &w)
        }
        if let reason {
            w.key("reason")
            w.string(reason)
        }
        if let note {
            w.key("note")
            w.string(note)
        }
        w.endObject()
    }
}

extension DocumentWriter {
    /// `[...]`: each of `items` written by `write`, as one array.
    mutating func array<Items: Sequence, Failure: Error>(
        _ items: Items, _ write: (Items.Element, inout DocumentWriter) throws(Failure) -> Void
    ) throws(Failure) {
        beginArray()
        for item in items {
            element()
            try write(item, &self)
        }
        endArray()
    }

    /// `{"<name>":[...]}`: a document that is one named list.
    mutating func namedList<Items: Sequence, Failure: Error>(
        _ name: String, _ items: Items, _ write: (Items.Element, inout DocumentWriter) throws(Failure) -> Void
    ) throws(Failure) {
        beginObject()
        key(name)
        try array(items, write)
        endObject()
    }
}
