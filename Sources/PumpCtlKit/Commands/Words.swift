import PumpPolicy

/// The words a clinician reads at a glance for the vocabulary of `policy.md` and `cli.md`.
package enum Words {
    /// `medically necessary`, `not medically necessary`, `needs review (missing: trial_route)`.
    package static func determination(_ word: String, missing: [String] = []) -> TextTable.Cell {
        switch Determination(rawValue: word) {
        case .medicallyNecessary: return .init("medically necessary", .good)
        case .notMedicallyNecessary: return .init("not medically necessary", .bad)
        case .needsReview:
            let tail =
                missing.isEmpty ? "" : " (missing: \(missing.map(TextSanitizer.visible).joined(separator: ", ")))"
            return .init("needs review" + tail, .warning)
        case nil: return .init(TextSanitizer.visible(word))
        }
    }

    /// `functional`, `impending failure`, `non-functional`, `stalled (within grace)`, `unknown (no status yet)`.
    package static func state(_ word: String) -> TextTable.Cell {
        switch PumpState(rawValue: word) {
        case .functional: return .init("functional", .good)
        case .impendingFailure: return .init("impending failure", .warning)
        case .nonFunctional: return .init("non-functional", .bad)
        case .stalled: return .init("stalled (within grace)", .warning)
        case .unknown: return .init("unknown (no status yet)", .dim)
        case .retired: return .init("retired", .dim)
        case nil: return .init(TextSanitizer.visible(word))
        }
    }

    /// Why a pump is in its state, in words (`end of service`, `battery ERI`), or `-`.
    package static func reason(_ word: String?) -> TextTable.Cell {
        guard let word else { return .init("-") }
        switch word {
        case "battery_eri": return .init("battery ERI", .warning)
        case "end_of_service", "low_battery_reset", "critical_error", "motor_stall":
            return .init(TextSanitizer.visible(word).replacingUnderscores(), .bad)
        case "impending_failure", "stall": return .init(TextSanitizer.visible(word).replacingUnderscores(), .warning)
        default: return .init(TextSanitizer.visible(word).replacingUnderscores())
        }
    }

    /// `non-function`, `impending failure`, `none (device reports itself functional)`, or `-` for an implant.
    package static func criterion(_ word: String?) -> TextTable.Cell {
        guard let word else { return .init("- (implant assessment)", .dim) }
        switch ReplacementCriterion(rawValue: word) {
        case .nonFunction: return .init("non-function", .bad)
        case .impendingFailure: return .init("impending failure", .warning)
        case ReplacementCriterion.none?: return .init("none (the device reports itself functional)")
        case nil: return .init(TextSanitizer.visible(word))
        }
    }

    /// `covered`, `not covered`, `unknown`, with the clause.
    package static func indication(status: String, clause: String?) -> TextTable.Cell {
        let suffix = clause.map { " (\(TextSanitizer.visible($0)))" } ?? ""
        switch status {
        case "covered": return .init("covered" + suffix, .good)
        case "not_covered": return .init("not covered" + suffix, .bad)
        case "unknown": return .init("unknown" + (clause == nil ? " (pump not enrolled)" : suffix), .warning)
        default: return .init(TextSanitizer.visible(status) + suffix)
        }
    }

    /// A battery state word with what it means.
    package static func battery(_ word: String?) -> TextTable.Cell {
        switch word {
        case nil: return .init("-", .dim)
        case "BOS": return .init("BOS", .good)
        case "MOS": return .init("MOS", .good)
        case "ERI": return .init("ERI", .warning)
        case "EOS": return .init("EOS", .bad)
        case let other?: return .init(TextSanitizer.visible(other))
        }
    }

    /// An alert severity.
    package static func severity(_ word: String) -> TextTable.Cell {
        switch word {
        case "critical": return .init("critical", .bad)
        case "warning": return .init("warning", .warning)
        default: return .init(TextSanitizer.visible(word))
        }
    }

    /// A criterion value: `yes`, `no`, `unknown`.
    package static func fact(_ value: Bool?) -> TextTable.Cell {
        switch value {
        case true?: return .init("yes")
        case false?: return .init("no")
        case nil: return .init("unknown", .dim)
        }
    }

    /// What a clause of `policy.md` stands for, in a few words; nil for a clause not listed there.
    package static func clauseSummary(_ clause: String) -> String? {
        switch clause {
        case "MN.indication.1": "primary liver cancer, intrahepatic arterial chemotherapy"
        case "MN.indication.2":
            "colorectal cancer with metastases limited to the liver, intrahepatic arterial chemotherapy"
        case "MN.indication.3": "severe refractory spasticity, intrathecal baclofen"
        case "MN.indication.4": "pulmonary arterial hypertension, treprostinil after an external pump"
        case "MN.indication.5": "severe chronic intractable pain after a successful trial by the same route"
        case "MN.supplies": "supplies for a medically necessary pump"
        case "MN.replacement.non_function": "replacement of a pump that is not functioning"
        case "MN.replacement.impending_failure": "replacement after the pump's built-in notice of impending failure"
        case "NMN.replacement.convenience": "replacement for convenience while the pump works"
        case "NMN.replacement.upgrade": "upgrade to newer technology while the pump works"
        case "NMN.use.heparin_thromboembolic": "heparin for thromboembolic disease"
        case "NMN.use.antibiotics_osteomyelitis": "antibiotics for osteomyelitis"
        case "NMN.use.other": "a use the policy does not cover"
        default: nil
        }
    }

    /// `MN.indication.3 (severe refractory spasticity, intrathecal baclofen)`.
    package static func clause(_ clause: String) -> String {
        let shown = TextSanitizer.visible(clause)
        return clauseSummary(clause).map { "\(shown) (\($0))" } ?? shown
    }

    /// `convenience`, `upgrade`, `malfunction` with what it means.
    package static func reason(_ word: String) -> String {
        switch RequestReason(rawValue: word) {
        case .convenience: "convenience"
        case .upgrade: "upgrade to newer technology"
        case .malfunction: "claimed malfunction"
        case nil: TextSanitizer.visible(word)
        }
    }
}
