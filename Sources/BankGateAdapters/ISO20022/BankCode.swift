import BankGateCore

/// How a bank is identified in `FinInstnId`: a BIC, or a CNAPS bank code (China) as a clearing
/// system member id.
enum BankCode: Hashable, Sendable {
    case bic(String)
    case cnaps(String)

    /// The ISO external clearing system code for CNAPS (ExternalClearingSystemIdentification1Code list:
    /// "CNAPS Identifier, Bank Branch code used in China").
    static let cnapsClearingSystemCode = "CNAPS"

    /// Classifies `code` and checks it against the pattern of `version`'s schema.
    init(_ code: String, version: ISO20022Adapter.PainVersion, location: @autoclosure () -> String) throws(AdapterError) {
        if CNAPS.isValid(code) {
            self = .cnaps(code)
        } else if BIC.isValid(code) {
            // pain.001.001.03's BICIdentifier is stricter: six letters, then no `0`/`1` in the location code's
            // first character and no `O` in its second.
            if version == .v03 && !Self.isVersion3BIC(code) {
                throw AdapterError("BIC does not match the pain.001.001.03 BIC pattern", location: location())
            }
            self = .bic(code)
        } else {
            throw AdapterError("bank code is neither a BIC nor a 12-digit CNAPS code", location: location())
        }
    }

    /// `[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?`
    static func isVersion3BIC(_ code: String) -> Bool {
        let bytes = Array(code.utf8)
        guard bytes.count == 8 || bytes.count == 11 else { return false }
        let upper: (UInt8) -> Bool = { $0 >= 65 && $0 <= 90 }
        let digit: (UInt8) -> Bool = { $0 >= 48 && $0 <= 57 }
        guard bytes[0..<6].allSatisfy(upper) else { return false }
        guard upper(bytes[6]) || (bytes[6] >= 50 && bytes[6] <= 57) else { return false }
        guard (upper(bytes[7]) && bytes[7] != 79) || digit(bytes[7]) else { return false }
        return bytes[8...].allSatisfy { upper($0) || digit($0) }
    }
}
