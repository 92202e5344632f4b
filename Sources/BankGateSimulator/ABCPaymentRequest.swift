import BankGateCore

/// The one transfer of a `CFRT01`, `CFRT02` or `CFRT21` request, as received.
struct ABCTransferRequest: Hashable, Sendable {
    /// `CCTransCode`: `CFRT01` (集团内), `CFRT02` (对公), `CFRT21` (对私).
    var code: String
    /// `ReqSeqNo`: the client's reference and the duplicate-check key.
    var reference: String
    /// `Amt` as sent.
    var amountText: String
    /// `Cmp/DbProv`, `Cmp/DbAccNo`, `Cmp/DbCur`.
    var debtorProvince: String
    var debtorAccount: String
    var debtorCurrency: String
    /// `Cmp/CrProv` (`CFRT01` only), `Cmp/CrAccNo`, `Corp/CrAccName`.
    var creditorProvince: String?
    var creditorAccount: String
    var creditorName: String
    /// `Corp/OthBankFlag` = `1`: the creditor banks elsewhere (then `CrBankNo` and `CrBankName`).
    var otherBank: Bool
    var creditorBankNumber: String?
    var creditorBankName: String?
    /// `Corp/WhyUse`, `Corp/Postscript`.
    var purpose: String?
    var remittance: String?

    /// The amount in CNY, or why it cannot be executed (the ledger's ISO 20022 reason codes).
    var amount: Result<Money, TransferRejection> {
        guard debtorCurrency == "01", let cny = Currency(code: "CNY") else {
            return .failure(TransferRejection(code: "AM03", text: "currency \(debtorCurrency) is not processable"))
        }
        guard let money = try? Money(parsing: amountText, currency: cny), money.minorUnits > 0 else {
            return .failure(TransferRejection(code: "AM12", text: "the amount is not a positive amount in CNY"))
        }
        return .success(money)
    }
}

extension ABCBankCodec {
    /// The transaction codes that move money, one transfer each.
    static let paymentCodes: Set<String> = ["CFRT01", "CFRT02", "CFRT21"]

    /// Reads the transfer of a payment request: `Amt`; `Cmp` with `DbProv`, `DbAccNo`, `DbCur`,
    /// `CrAccNo` (and `CrProv` for `CFRT01`); `Corp` with `CrAccName` and `OthBankFlag` (`0` or `1`;
    /// `0` for `CFRT01` and `CFRT21`, required for `CFRT02`), and for `1` also `CrBankNo` (12 digits)
    /// and `CrBankName`.
    /// - Throws: ``BankCodecError`` naming the field: nothing is executed.
    static func readTransfer(_ request: Request) throws(BankCodecError) -> ABCTransferRequest {
        func required(_ section: String, _ name: String) throws(BankCodecError) -> String {
            guard let value = request.value(section, name) else { throw BankCodecError("missing \(section)/\(name)") }
            return value
        }
        guard let amount = request.header("Amt") else { throw BankCodecError("missing Amt") }
        let flag = request.value("Corp", "OthBankFlag")
        switch (request.code, flag) {
        case ("CFRT02", "0"?), ("CFRT02", "1"?), ("CFRT01", nil), ("CFRT01", "0"?), ("CFRT21", nil), ("CFRT21", "0"?):
            break
        case ("CFRT02", _):
            throw BankCodecError("Corp/OthBankFlag must be 0 or 1")
        default:
            throw BankCodecError("Corp/OthBankFlag must be 0 for \(request.code)")
        }
        var transfer = ABCTransferRequest(
            code: request.code, reference: request.requestId, amountText: amount,
            debtorProvince: try required("Cmp", "DbProv"), debtorAccount: try required("Cmp", "DbAccNo"),
            debtorCurrency: try required("Cmp", "DbCur"), creditorProvince: request.value("Cmp", "CrProv"),
            creditorAccount: try required("Cmp", "CrAccNo"), creditorName: try required("Corp", "CrAccName"),
            otherBank: flag == "1", creditorBankNumber: request.value("Corp", "CrBankNo"),
            creditorBankName: request.value("Corp", "CrBankName"), purpose: request.value("Corp", "WhyUse"),
            remittance: request.value("Corp", "Postscript"))
        if request.code == "CFRT01" {
            transfer.creditorProvince = try required("Cmp", "CrProv")
        }
        if transfer.otherBank {
            let bankNumber = try required("Corp", "CrBankNo")
            guard CNAPS.isValid(bankNumber) else { throw BankCodecError("Corp/CrBankNo must be a 12-digit CNAPS code") }
            transfer.creditorBankName = try required("Corp", "CrBankName")
        }
        return transfer
    }
}
