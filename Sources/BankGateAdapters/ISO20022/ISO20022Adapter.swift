public import BankGateCore
public import BankGateConfig

/// The ISO 20022 customer-to-bank adapter: pain.001 credit transfer initiations out, pain.002 status
/// reports in, and a pacs.028-style status request for payments whose outcome is unknown.
///
/// A pure codec: no I/O, no clock. The wire contract, the status and reason tables and what is
/// assumed rather than confirmed are described in `adapters/iso20022/README.md`.
public struct ISO20022Adapter: BankAdapter {
    /// The pain.001 version this bank takes.
    public enum PainVersion: String, Hashable, Sendable, CaseIterable {
        case v03 = "pain.001.001.03"
        case v09 = "pain.001.001.09"

        /// The XML namespace of the version.
        public var namespace: String { "urn:iso:std:iso:20022:tech:xsd:" + rawValue }
    }

    /// Thirty days in milliseconds, the default duplicate-check window.
    public static let thirtyDaysMilliseconds: Int64 = 30 * 86_400_000

    /// The pain.001 version written by ``encodePayment(_:)``.
    public let painVersion: PainVersion
    /// How long the bank rejects a reused `MsgId` (agreed with the bank; default 30 days).
    public let duplicateCheckWindowMilliseconds: Int64
    /// The bank's usage rules (HSBC, BOCHK), or plain ISO 20022.
    public let profile: ISO20022Profile
    /// Our signatures on what we send and the bank's on what it answers (XML-DSig).
    public let signatures: ISO20022Signatures
    /// The table status codes are read with: ``ISO20022Codes/builtIn`` unless the configuration
    /// gives a `codes_file` or `code_overrides`.
    public var codes = ISO20022Codes.builtIn

    /// `iso20022`.
    public var name: String { "iso20022" }
    /// The pain.001 version.
    public var paymentMessageKind: String { painVersion.rawValue }
    /// Payments, batches, status queries, statements and balances (camt.052/053), receipts (camt.054).
    public var capabilities: Set<AdapterCapability> { [.payment, .batchPayment, .statusQuery, .statement, .balance, .receipts] }
    /// A configured limit of ours, not an ISO 20022 one (the schema allows any number of transfers).
    public var maxTransfersPerMessage: Int { 10_000 }
    /// `DUPL` (duplicate payment) and `AM05` (duplication), at group level.
    public var duplicateRefusalReasonCodes: Set<String> { ["DUPL", "AM05"] }
    /// Nothing new is required, except the creditor's bank's name for a payment to a CNAPS bank
    /// code (CNAPS needs the receiving bank's name; assumed, see the README); the purpose text goes
    /// in `Purp/Prtry` (`Max35Text`), so 35 characters at most.
    /// `PmtInf/ReqdExctnDt` carries it.
    public var carriesExecutionDate: Bool { true }
    public var paymentFieldRequirements: PaymentFieldRequirements {
        PaymentFieldRequirements(requiredForCNAPSCreditor: [.creditorBankName], maxPurposeLength: Self.maxPurposeLength)
    }

    /// `Purp/Prtry` is `Max35Text`.
    public static let maxPurposeLength = 35

    /// Creates the adapter.
    /// - Parameters:
    ///   - painVersion: the pain.001 version the bank takes.
    ///   - duplicateCheckWindowMilliseconds: how long the bank rejects a reused `MsgId` (agreed with the bank).
    ///   - profile: the bank's usage rules.
    ///   - signatures: what is signed and which answers are trusted (``ISO20022Signatures``).
    public init(painVersion: PainVersion, duplicateCheckWindowMilliseconds: Int64 = ISO20022Adapter.thirtyDaysMilliseconds,
                profile: ISO20022Profile = .standard, signatures: ISO20022Signatures = .none) {
        self.painVersion = painVersion
        self.duplicateCheckWindowMilliseconds = duplicateCheckWindowMilliseconds
        self.profile = profile
        self.signatures = signatures
    }

    /// The profile's rules (SWIFT characters cross-border, the creditor's town …).
    public func intakeProblem(_ transfer: CreditTransfer, debtor: DebtorAccount) -> TransferFieldProblem? {
        profile.problem(transfer, debtor: debtor)
    }

    /// Writes the message as pain.001 in ``painVersion``, valid against that version's XSD.
    /// - Throws: ``AdapterError`` naming the element when the input cannot be expressed validly.
    public func encodePayment(_ message: PaymentMessage) throws(AdapterError) -> EncodedMessage {
        for (index, transfer) in message.transfers.enumerated() {
            if let problem = profile.problem(transfer, debtor: message.debtor) {
                throw AdapterError(problem.message, location: "CdtTrfTxInf[\(index + 1)]")
            }
        }
        var encoder = Pain001Encoder(version: painVersion, transferCount: message.transfers.count)
        try encoder.encode(message, maxTransfers: maxTransfersPerMessage)
        return EncodedMessage(kind: painVersion.rawValue, contentType: Self.contentType,
                              fileName: Self.fileName(for: message.messageId), bytes: encoder.finish())
    }

    /// Reads a pain.002.001.03/.10/.12 status report; unknown status codes and hostile XML are refused,
    /// and so is, with `bank_certificate`, a report without a valid signature by the bank's key.
    public func decodeStatusReport(_ bytes: [UInt8]) throws(AdapterError) -> StatusReport {
        try checkAnswerSignature(bytes)
        return try Pain002Decoder.decode(bytes, codes: codes)
    }

    /// The MIME type of every message this adapter writes.
    static let contentType = "application/xml"

    /// `<id>.xml`, with every character outside `A-Z a-z 0-9 . _ -` replaced by `_`.
    static func fileName(for identifier: String) -> String {
        var name = ""
        name.reserveCapacity(identifier.utf8.count + 4)
        for scalar in identifier.unicodeScalars {
            let v = scalar.value
            let safe = (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
                || v == 0x2E || v == 0x5F || v == 0x2D
            name.unicodeScalars.append(safe ? scalar : "_")
        }
        if name.isEmpty || name.allSatisfy({ $0 == "." }) { name = "_" + name }
        return name + ".xml"
    }
}

extension ISO20022Adapter: ConfiguredAdapter {
    /// `iso20022`.
    public static var adapterName: String { "iso20022" }
    /// `profile` (`standard`, `hsbc`, `bochk`); `signature` (`xmldsig`, `none`), `signing_certificate`
    /// and `bank_certificate` (paths); `pain001_version` is a common key.
    public static var configurationKeys: AdapterVocabulary.Entry {
        AdapterVocabulary.Entry(bankKeys: [.init("profile", required: false), .init("signature", required: false),
                                           .init("signing_certificate", required: false, isPath: true),
                                           .init("bank_certificate", required: false, isPath: true)])
    }

    /// The adapter with the bank's profile, writing its `pain001_version` or the profile's default,
    /// with its signature keys read (certificate files are read here).
    public static func make(bank: BankConfig, accounts: [AccountConfig],
                            environment: [String: String]) throws(AdapterSetupError) -> ISO20022Adapter {
        let profileName = bank.adapterOptions["profile"] ?? "standard"
        guard let profile = ISO20022Profile.all[profileName] else {
            throw AdapterSetupError("profile must be one of \(ISO20022Profile.all.keys.sorted().joined(separator: ", ")), not \(profileName)")
        }
        let versionName = bank.pain001VersionGiven ? bank.pain001Version : profile.defaultPainVersion.rawValue
        guard let version = PainVersion(rawValue: versionName) else {
            throw AdapterSetupError("unsupported pain001_version \(versionName)")
        }
        return ISO20022Adapter(painVersion: version, profile: profile, signatures: try signatures(of: bank, profile: profile))
    }
}
