// Reading a criterion's value from text (the `enroll` flags of `cli.md`): a BOOL is exactly `true`
// or `false`, a percent a number from 0 to 100. Anything else is bad data, never "unknown".

/// A criterion value that cannot be read: not `true`/`false`, or not a percent from 0 to 100.
package struct CriterionValueError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The criterion whose value was given.
    package var criterion: Fact
    /// The text given.
    package var text: String
    /// What would have been accepted, in words.
    package var expected: String

    package init(criterion: Fact, text: String, expected: String) {
        self.criterion = criterion
        self.text = text
        self.expected = expected
    }

    /// `invalid severe_refractory 'yes': expected true or false (leave it out when unknown)`
    package var description: String {
        "invalid \(criterion.rawValue) '\(text)': expected \(expected) (leave it out when unknown)"
    }
}

extension TherapyCriteria {
    /// Reads a yes/no criterion: exactly `true` or `false`.
    package static func parseBool(_ text: String, for criterion: Fact) throws(CriterionValueError) -> Bool {
        switch text {
        case "true": return true
        case "false": return false
        default: throw CriterionValueError(criterion: criterion, text: text, expected: "true or false")
        }
    }

    /// Reads `trial_reduction_percent`: a finite number from 0 to 100 (`50.1`, `75`).
    package static func parseTrialReductionPercent(_ text: String) throws(CriterionValueError) -> Double {
        guard let value = Double(text), value.isFinite, trialReductionPercentRange.contains(value) else {
            throw CriterionValueError(
                criterion: .trialReductionPercent, text: text, expected: "a number from 0 to 100")
        }
        return value
    }
}
