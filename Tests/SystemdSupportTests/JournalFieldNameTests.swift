import SystemdSupport
import Testing

@Suite struct JournalFieldNameTests {
    @Test(arguments: [
        ("pump.serial", "PUMP_SERIAL"),
        ("PUMP_SERIAL", "PUMP_SERIAL"),
        ("request-id", "REQUEST_ID"),
        ("Dose Rate (mL/h)", "DOSE_RATE__ML_H_"),
        ("_private", "PRIVATE"),
        ("__1x", "X"),
        ("2fa-code", "FA_CODE"),
        ("pümp", "P_MP"),
        ("a1_b2", "A1_B2"),
    ])
    func metadataKeysBecomeUpperCaseJournalFieldNames(key: String, name: String) {
        #expect(JournalEntry.fieldName(forMetadataKey: key) == name)
    }

    @Test(arguments: ["", "_", "___", "42", "_9_", "..."])
    func keysWithNothingUsableLeftAreDropped(key: String) {
        #expect(JournalEntry.fieldName(forMetadataKey: key) == nil)
    }

    @Test func namesAreCutAtSixtyFourCharacters() {
        let name = JournalEntry.fieldName(forMetadataKey: String(repeating: "ab", count: 50))
        #expect(name == String(repeating: "AB", count: 32))
        #expect(name?.count == JournalEntry.maximumFieldNameLength)
    }
}
