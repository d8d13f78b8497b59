/// The fields of an `alert` message: an alarm or event the pump raised.
package struct AlertReport: Sendable, Hashable {
    /// What the pump is saying.
    package var code: AlertCode
    /// How urgent the pump considers it.
    package var severity: Severity
    /// Raised (the default) or cleared.
    package var state: AlertState
    /// Free text from the pump, at most 1,024 characters, when sent.
    package var detail: String?

    package init(code: AlertCode, severity: Severity, state: AlertState = .raised, detail: String? = nil) {
        self.code = code
        self.severity = severity
        self.state = state
        self.detail = detail
    }
}

/// An alert code: one of the protocol's known codes, or a vendor's own `X-<VENDOR>-<NAME>`.
package enum AlertCode: Sendable, Hashable, CustomStringConvertible {
    /// A code from the protocol's table.
    case known(KnownAlertCode)
    /// A vendor code, held whole (e.g. `X-ACME-DOOR-OPEN`); it carries no replacement meaning.
    case vendor(String)

    /// Reads a code word: a known code (exact case), or a vendor code `X-<VENDOR>-<NAME>` where
    /// VENDOR is one or more ASCII letters or digits and NAME one or more ASCII letters, digits
    /// or `-`. Nil for anything else.
    package init?(word: String) {
        if let known = KnownAlertCode.matching(word) {
            self = .known(known)
        } else if AlertCode.isVendorCode(word) {
            self = .vendor(word)
        } else {
            return nil
        }
    }

    /// The code as sent on the wire.
    package var word: String {
        switch self {
        case .known(let code): code.rawValue
        case .vendor(let word): word
        }
    }

    /// The code as sent on the wire.
    package var description: String { word }

    /// Whether `word` has the vendor-code shape `X-<VENDOR>-<NAME>` (see ``init(word:)``).
    package static func isVendorCode(_ word: String) -> Bool {
        var bytes = word.utf8.makeIterator()
        guard bytes.next() == UInt8(ascii: "X"), bytes.next() == UInt8(ascii: "-") else { return false }
        @inline(__always) func isAlphanumeric(_ b: UInt8) -> Bool {
            (b | 0x20) &- UInt8(ascii: "a") < 26 || b &- UInt8(ascii: "0") < 10
        }
        var vendorLength = 0
        while let b = bytes.next() {
            if b == UInt8(ascii: "-") {
                guard vendorLength > 0 else { return false }
                var nameLength = 0
                while let c = bytes.next() {
                    guard isAlphanumeric(c) || c == UInt8(ascii: "-") else { return false }
                    nameLength += 1
                }
                return nameLength > 0
            }
            guard isAlphanumeric(b) else { return false }
            vendorLength += 1
        }
        return false
    }
}

/// The alert codes of the protocol's table.
package enum KnownAlertCode: String, Sendable, Hashable, CaseIterable, Codable {
    /// The motor stopped; no drug is delivered (non-function unless it recovers within the grace).
    case motorStall = "MOTOR_STALL"
    /// The motor turns again after a stall (ends the stall).
    case motorStallRecovered = "MOTOR_STALL_RECOVERED"
    /// Memory or hardware fault; the pump stopped in a safe state (non-function while not cleared).
    case criticalError = "CRITICAL_ERROR"
    /// Elective replacement indicator: battery near its end (impending failure).
    case batteryERI = "BATTERY_ERI"
    /// End of service: battery depleted, pump stopped (non-function).
    case batteryEOS = "BATTERY_EOS"
    /// The battery fell so low that the pump reset, its rate to a minimum (non-function).
    case lowBatteryReset = "LOW_BATTERY_RESET"
    /// Another built-in prognostic warning of a coming failure (impending failure).
    case impendingFailure = "IMPENDING_FAILURE"
    /// The drug runs low (a refill, not a device failure).
    case lowReservoir = "LOW_RESERVOIR"
    /// The drug ran out (a refill, not a device failure).
    case emptyReservoir = "EMPTY_RESERVOIR"
    /// The pump reset itself, e.g. after a strong field (not a failure by itself).
    case pumpReset = "PUMP_RESET"
    /// The pump was in an MRI scanner; a stall may follow and should recover.
    case mriExposure = "MRI_EXPOSURE"
}

/// How urgent the pump considers an alert.
package enum Severity: String, Sendable, Hashable, CaseIterable, Codable {
    /// For information.
    case info
    /// Needs attention.
    case warning
    /// Needs attention now.
    case critical
}

/// Whether an alert is raised or cleared.
package enum AlertState: String, Sendable, Hashable, CaseIterable, Codable {
    /// The condition began (the default when `state` is absent).
    case raised
    /// The condition ended.
    case cleared
}
