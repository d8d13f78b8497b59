// Reading a criterion's value from text (the `enroll` flags of `cli.md`): a BOOL is exactly `true`
// or `false`, a percent a number from 0 to 100. Anything else is bad data, never "unknown".

/// A criterion value that cannot be read: not `true`/`false`, or not a percent from 0 to 100.
public struct CriterionValueError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The criterion whose value was given.
    public var criterion: Fact
    /// The text given.
    public var text: String
    /// What would have been accepted, in words.
    public var expected: String

    /// Creates the error.
    public init(criterion: Fact, text: String, expected: String) {
        self.criterion = criterion
        self.text = text
        self.expected = expected
    }

    /// `invalid severe_refractory 'yes': expected true or false (leave it out when unknown)`
    public var description: String {
        "invalid \(criterion.rawValue) '\(text)': expected \(expected) (leave it out when unknown)"
    }
}

extension TherapyCriteria {
    /// Reads a yes/no criterion: exactly `true` or `false`.
    public static func parseBool(_ text: String, for criterion: Fact) throws(CriterionValueError) -> Bool {
        switch text {
        case "true": return true
        case "false": return false
        default: throw CriterionValueError(criterion: criterion, text: text, expected: "true or false")
        }
    }

    /// Reads `trial_reduction_percent`: a finite number from 0 to 100 (`50.1`, `75`).
    public static func parseTrialReductionPercent(_ text: String) throws(CriterionValueError) -> Double {
        guard let value = Double(text), value.isFinite, trialReductionPercentRange.contains(value) else {
            throw CriterionValueError(
                criterion: .trialReductionPercent, text: text, expected: "a number from 0 to 100")
        }
        return value
    }
}
