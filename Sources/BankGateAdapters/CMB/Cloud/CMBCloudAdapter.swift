public import BankGateCore
public import BankGateCrypto

/// China Merchants Bank's (招商银行) cloud direct connection (云直联, API v2, `cdcserver/api/v2`):
/// JSON requests signed SM3withSM2 with a key of ours, encrypted whole with SM4-CBC and form-posted;
/// answers encrypted the same way and signed by the bank.
///
/// A pure codec: no I/O, no clock. The key material it holds (the SM4 key, the bank's public key)
/// is read once at start-up by ``make(bank:accounts:environment:)``; our signing key stays with the
/// engine's signer (`[[keys]]`). What is confirmed by public sources and what is assumed is in
/// `adapters/cmb-cloud/README.md`; the code table is `adapters/cmb-cloud/codes.tsv`.
public struct CMBCloudAdapter: Sendable {
    /// Field limits are counted in GBK bytes as in CMB's front-end format (assumed: the cloud API
    /// carries UTF-8 JSON, but the bank's records are the same).
    public static let encoding = ChineseTextEncoding.gbk
    /// The MIME type of a request before it is sealed (what is signed and archived as encoded).
    public static let requestContentType = "application/json; charset=UTF-8"
    /// The MIME type of the sealed request: the form `ALG`, `DATA`, `UID`, `FUNCODE`.
    public static let formContentType = "application/x-www-form-urlencoded"
    /// One transfer per `BB1PAYOP` (单笔经办); batches go as one message each.
    public static let maxTransfersPerMessage = 1
    /// The most digits of an amount in minor units (as the front-end format: 9999999999999.99).
    public static let maxAmountDigits = 15
    /// The largest answer read, before and after decryption.
    public static let maxAnswerBytes = 16 << 20
    /// `busCod` of a payment (N02030 支付).
    static let paymentBusinessCode = "N02030"
    /// `busMod` when the configuration names none (**assumed**: the business mode is the
    /// customer's, listed by `DCLISMOD`).
    public static let defaultBusinessMode = "00001"
    /// What `signature.sigdat` holds while a document is signed or verified.
    public static let signaturePlaceholder = "__signature_sigdat__"

    /// `UID`: the user id CMB issued (`head.userid`).
    public let userID: String
    /// The SM4 key CMB issued with the user id, 16 bytes.
    let sm4Key: [UInt8]
    /// The bank's SM2 public key, which signs every answer.
    let bankPublicKey: VerifyingKey
    /// CMB's branch code (分行号, `bbknbr`) of each of our accounts, by account number.
    public let branchCodes: [String: String]
    /// `busMod` of payments.
    public let businessMode: String
    /// `INSPLAT`, the platform's name when a platform (SaaS) posts for the user; `nil` to leave it out.
    public let platform: String?
    /// The table its codes are read with: ``CMBCloudCodes/builtIn`` unless the configuration
    /// replaces or amends it (`codes_file`, `code_overrides`).
    public var codes = CMBCloudCodes.builtIn

    /// Creates the codec.
    /// - Parameters:
    ///   - userID: `UID`, 1 to 16 printable ASCII characters (CMB's are 10).
    ///   - sm4Key: the 16-byte SM4 key.
    ///   - bankPublicKey: the bank's SM2 public key, to verify answers.
    ///   - branchCodes: the branch code (`bbknbr`) of each account, by number.
    /// - Throws: ``AdapterError`` for a user id or a key of the wrong form.
    public init(userID: String, sm4Key: [UInt8], bankPublicKey: VerifyingKey, branchCodes: [String: String],
                businessMode: String = defaultBusinessMode, platform: String? = nil) throws(AdapterError) {
        guard (1...16).contains(userID.utf8.count), userID.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw AdapterError("the user id (UID) must be 1 to 16 printable ASCII characters", location: "user_id")
        }
        guard sm4Key.count == SM4.keyLength else {
            throw AdapterError("the SM4 key must be 16 bytes, not \(sm4Key.count)", location: "sm4_key_env")
        }
        guard bankPublicKey.algorithm == .sm2 else {
            throw AdapterError("the bank's public key must be an SM2 key", location: "bank_public_key")
        }
        self.userID = userID
        self.sm4Key = sm4Key
        self.bankPublicKey = bankPublicKey
        self.branchCodes = branchCodes
        self.businessMode = businessMode
        self.platform = platform
    }

    /// The SM2 user id both sides sign with: the user id padded with `0` to 16 characters (cut at 16).
    /// The `[[keys]]` entry's `sm2_user_id` must be this.
    public static func sm2UserID(for userID: String) -> String {
        String((userID + String(repeating: "0", count: 16)).prefix(16))
    }

    /// ``sm2UserID(for:)`` of this adapter's user id.
    public var sm2UserID: String { Self.sm2UserID(for: userID) }

    /// The SM4-CBC IV: the user id padded with `0` to 16 bytes (`UID + "000000"` for CMB's 10-character ids).
    var initializationVector: [UInt8] { Array(sm2UserID.utf8) }

    /// The scheme of both signatures.
    var signatureScheme: SignatureScheme { .sm2SM3(userID: sm2UserID) }

    /// What CMB's payment requires: a purpose (`nusAge`) and the same-bank flag (`bnkFlg`); for
    /// another bank the creditor's bank name or code, which ``encodePayment(_:)`` checks. `nusAge`
    /// is taken as 62 GBK bytes (31 Chinese characters) as in the front-end format (assumed).
    public var paymentFieldRequirements: PaymentFieldRequirements {
        PaymentFieldRequirements(required: [.purpose, .sameBank], notCarried: [.categoryPurpose], maxPurposeLength: 31)
    }

    /// The branch code of `account`.
    func branchCode(_ account: DebtorAccount, location: String) throws(AdapterError) -> String {
        guard let code = branchCodes[account.number] else {
            throw AdapterError("no CMB branch code (bbknbr) configured for account \(account.id)", location: location)
        }
        return code
    }

    /// `YYYYMMDDHHMMSS` of `time` in China Standard Time (UTC+8): `sigtim`.
    static func chinaDateTime(_ time: Timestamp) -> String {
        String(time.adding(milliseconds: 8 * 3_600_000).iso8601Seconds.unicodeScalars.filter { $0.value >= 0x30 && $0.value <= 0x39 })
    }
}
