import Testing

@Test func placeholderUntilModuleLands() { #expect(Bool(true)) }
