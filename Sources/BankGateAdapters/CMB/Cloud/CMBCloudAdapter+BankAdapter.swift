public import BankGateConfig
public import BankGateCore
public import BankGateCrypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// CMB's cloud API as a bank adapter of the engine: payments by `BB1PAYOP` (one transfer each),
/// status per transfer by `BB1PAYQR` (its `yurRef`), balances by `NTQACINF`, transactions by
/// `DCTRSINF`; every request signed with our `[[keys]]` SM2 key.
extension CMBCloudAdapter: AccountQueryAdapter, KeySigningAdapter {
    /// `cmb-cloud`.
    public var name: String { Self.adapterName }
    /// Payments (one per message), status queries, balances, transaction details and e-receipts
    /// (`DCSIGREC`, CMBCloudAdapter+Receipts.swift).
    public var capabilities: Set<AdapterCapability> { [.payment, .statusQuery, .balance, .statement, .receipts] }
    public var maxTransfersPerMessage: Int { Self.maxTransfersPerMessage }
    public var maxAmountDigits: Int { Self.maxAmountDigits }
    public var maxControlSumDigits: Int { Self.maxAmountDigits }
    /// **Assumed** 30 days, as for CMB's front-end: no source says how long CMB refuses a reused `yurRef`.
    public var duplicateCheckWindowMilliseconds: Int64 { 30 * 86_400_000 }
    /// The duplicate `yurRef` (the codec already reads it as `unknown`).
    public var duplicateRefusalReasonCodes: Set<String> { [CMBCloudCodes.duplicateReference] }
    /// `BB1PAYQR` takes one `yurRef`.
    public var statusQueryScope: StatusQueryScope { .transfer }
    /// Everything is posted to the one URL (`…/cdcserver/api/v2`); `FUNCODE` names the function.
    public var httpPaths: HTTPPaths { .single }
    /// `CMB.cloud.answer`.
    public var answerKind: String { "CMB.cloud.answer" }
    /// `DCTRSINF` asks for one day.
    public var maxTransactionQueryDays: Int { 1 }
    /// `CMB.BB1PAYOP`.
    public var paymentMessageKind: String { "CMB.BB1PAYOP" }
    /// SM3withSM2 with the user id padded to 16 (``sm2UserID``), which the `[[keys]]` entry must name.
    public var signingAlgorithm: KeyConfig.Algorithm? { .sm2SM3 }
    /// The user id padded to 16: CMB verifies with it, whatever the `[[keys]]` entry says.
    public var requiredSM2UserID: String? { sm2UserID }

    /// Every request is signed.
    public func needsSignature(_ message: EncodedMessage) -> Bool { true }

    /// The transfer written as it would be sent (a `BB1PAYOP` with a stand-in reference): a
    /// character GBK cannot carry, a text over its limit, or a field CMB needs is named by its API field.
    public func intakeProblem(_ transfer: CreditTransfer, debtor: DebtorAccount) -> TransferFieldProblem? {
        IntakeProbe.problem(transfer, debtor: debtor, bank: "CMB", reference: "BGI0", apiFields: Self.apiFields) { message throws(AdapterError) in
            try encodePayment(message)
        }
    }

    /// The API field behind each `bb1payopx1` field.
    static let apiFields: [String: String] = [
        "bb1payopx1/crtNam": "creditor.name", "bb1payopx1/crtAcc": "creditor.account", "bb1payopx1/nusAge": "purpose",
        "bb1payopx1/busNar": "remittance_info", "bb1payopx1/crtBnk": "creditor.bank_name", "bb1payopx1/crtAdr": "creditor.address",
        "bb1payopx1/bnkFlg": "same_bank", "bb1payopx1/trsAmt": "amount", "bb1payopx1/brdNbr": "creditor.bank_code",
        "bb1payopx1/ccyNbr": "amount.currency", "bb1payopx1/dbtAcc": "debtor_account", "bb1payopx1/eptDat": "requested_execution_date",
    ]
}

extension CMBCloudAdapter: ConfiguredAdapter {
    /// `cmb-cloud`.
    public static var adapterName: String { "cmb-cloud" }
    /// On the bank: `user_id` (UID), `sm4_key_env` (the variable holding the SM4 key), `bank_public_key`
    /// (a file, relative to the configuration), optional `business_mode` (`busMod`) and `platform`
    /// (`INSPLAT`); on each account: `branch_code` (`bbknbr`).
    public static var configurationKeys: AdapterVocabulary.Entry {
        AdapterVocabulary.Entry(bankKeys: [.init("user_id", required: true), .init("sm4_key_env", required: true),
                                           .init("bank_public_key", required: true, isPath: true),
                                           .init("business_mode", required: false), .init("platform", required: false)],
                                accountKeys: [.init("branch_code", required: true)])
    }

    /// The codec with the bank's user id, SM4 key (from the environment), the bank's public key
    /// (read from its file now) and the accounts' branch codes; CNY accounts only.
    public static func make(bank: BankConfig, accounts: [AccountConfig],
                            environment: [String: String]) throws(AdapterSetupError) -> CMBCloudAdapter {
        guard let userID = bank.adapterOptions["user_id"] else { throw AdapterSetupError("user_id is required") }
        let key = try Self.sm4Key(try AdapterRegistry.secret("sm4_key_env", of: bank, in: environment))
        guard let keyPath = bank.adapterOptions["bank_public_key"] else { throw AdapterSetupError("bank_public_key is required") }
        let publicKey = try Self.bankPublicKey(path: keyPath)
        var branches: [String: String] = [:]
        for account in accounts {
            guard let branch = account.adapterOptions["branch_code"],
                  branch.utf8.count == 2, branch.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw AdapterSetupError("account \(account.id): branch_code must be CMB's two-digit branch number (分行号)")
            }
            guard account.currency.code == "CNY" else {
                throw AdapterSetupError("account \(account.id): CMB payments are in CNY only")
            }
            branches[account.number] = branch
        }
        do {
            return try CMBCloudAdapter(userID: userID, sm4Key: key, bankPublicKey: publicKey, branchCodes: branches,
                                       businessMode: bank.adapterOptions["business_mode"] ?? defaultBusinessMode,
                                       platform: bank.adapterOptions["platform"])
        } catch {
            throw AdapterSetupError(error.description)
        }
    }

    /// The SM4 key as CMB hands it out (16 characters, used as their bytes) or as 32 hexadecimal digits.
    public static func sm4Key(_ text: String) throws(AdapterSetupError) -> [UInt8] {
        if text.utf8.count == SM4.keyLength { return Array(text.utf8) }
        if text.utf8.count == 2 * SM4.keyLength, let bytes = Hex.decode(text) { return bytes }
        throw AdapterSetupError("sm4_key_env: the SM4 key must be 16 characters or 32 hexadecimal digits")
    }

    /// The bank's SM2 public key from `path`: a PEM `PUBLIC KEY` or `CERTIFICATE`, or the Base64 of
    /// the point (`04 ‖ x ‖ y` or `x ‖ y`) as CMB hands it out.
    public static func bankPublicKey(path: String) throws(AdapterSetupError) -> VerifyingKey {
        guard let bytes = readSmallFile(path) else { throw AdapterSetupError("bank_public_key: cannot read \(path)") }
        do {
            if bytes.firstRange(of: Array("-----BEGIN".utf8)) != nil { return try VerifyingKey(pem: bytes) }
            guard let point = Base64.decode(bytes) else {
                throw AdapterSetupError("bank_public_key: \(path) is neither PEM nor the Base64 of an SM2 point")
            }
            return try VerifyingKey(sm2Point: point)
        } catch let error as AdapterSetupError {
            throw error
        } catch {
            throw AdapterSetupError("bank_public_key: \(path): \(error)")
        }
    }
}

/// The bytes of the file at `path` (at most 64 KiB: a key or a certificate); `nil` when it cannot be read.
private func readSmallFile(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes = [UInt8](repeating: 0, count: 1 << 16)
    let count = fread(&bytes, 1, bytes.count, file)
    guard ferror(file) == 0, count < bytes.count else { return nil }
    return Array(bytes[..<count])
}
