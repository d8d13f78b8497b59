/// The rule for a pump serial (`^[A-Za-z0-9][A-Za-z0-9-]{2,31}$`, case-sensitive), for the layers
/// that take serials from people rather than from pumps (the control socket, `pumpctl`).
package enum PumpSerial {
    /// Whether `text` is a well-formed pump serial.
    package static func isValid(_ text: String) -> Bool { FieldRules.isSerial(text) }

    /// What a serial must look like, for error messages.
    package static let rule = "3 to 32 letters, digits or '-', starting with a letter or digit"
}
