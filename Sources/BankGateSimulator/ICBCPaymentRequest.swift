import BankGateCore
import BankGateXML

/// One `PAYENT` package (支付指令提交) as received: its `in` and one ``ICBCTransferRequest`` per `rd`.
struct ICBCPaymentPackage: Hashable, Sendable {
    /// `pub/fSeqno`: the package id and the duplicate-check key.
    var packageId: String
    /// `in/OnlBatF`, `in/SettleMode`, `in/TotalNum`, `in/TotalAmt` (fen) as sent.
    var onlineFlag: String
    var settleMode: String
    var totalNumber: String
    var totalAmount: String
    var transfers: [ICBCTransferRequest]

    /// The most records the simulator takes in one package (the gateway's own limit; ICBC's is not known).
    static let maxTransfers = 30
    /// The most records of a payroll package (`PAYPER`; the gateway's own limit, ICBC's is not known).
    static let maxPayrollRecords = 500
    /// `pub/TransCode`: `PAYENT`, or `PAYPER` for a payroll.
    var transCode = "PAYENT"
}

/// One `rd` of a `PAYENT` package.
struct ICBCTransferRequest: Hashable, Sendable {
    /// `iSeqno`: the record's position in the package as sent.
    var sequence: String
    /// `Ref` (业务编号): the client's reference of the transfer, when sent.
    var reference: String?
    /// `PayType`: 1 加急, 2 普通.
    var payType: String
    var debtorAccount: String
    var debtorName: String
    var creditorAccount: String
    var creditorName: String
    /// `SysIOFlg`: 1 an ICBC account, 2 another bank's.
    var sameBank: Bool
    var creditorCity: String?
    var creditorBankCode: String?
    var creditorBankName: String?
    /// `CurrType`, `PayAmt` (fen) as sent.
    var currencyType: String
    var amountText: String
    /// `UseCN`, `PostScript`.
    var purpose: String
    var postscript: String?

    /// The amount in CNY, or why it cannot be executed (the ledger's ISO 20022 reason codes).
    var amount: Result<Money, TransferRejection> {
        guard currencyType == "001", let cny = Currency(code: "CNY") else {
            return .failure(TransferRejection(code: "AM03", text: "CurrType \(currencyType) is not processable"))
        }
        guard ICBCBankCodec.isDigits(amountText, maxDigits: 15), let fen = Int64(amountText), fen > 0 else {
            return .failure(TransferRejection(code: "AM12", text: "PayAmt must be a positive integer in fen"))
        }
        return .success(Money(minorUnits: fen, currency: cny))
    }
}

extension ICBCBankCodec {
    /// Reads a `PAYENT` (or `PAYPER`) request: `in` with `OnlBatF`, `SettleMode`, `TotalNum`,
    /// `TotalAmt`, `SignTime` and 1–`maxRecords` `rd`, each with `iSeqno`, `PayType`, `PayAccNo`,
    /// `PayAccNameCN`, `RecAccNo`, `RecAccNameCN`, `SysIOFlg` (`1`/`2`), `CurrType`, `PayAmt`, `UseCN`, and for `SysIOFlg=2`
    /// `RecCityName` and `RecBankName`. `TotalNum` must count the records and `TotalAmt` add up
    /// their `PayAmt`s.
    /// - Throws: ``BankCodecError`` naming the first missing or inconsistent field.
    static func readPayment(_ request: Request,
                            maxRecords: Int = ICBCPaymentPackage.maxTransfers) throws(BankCodecError) -> ICBCPaymentPackage {
        func required(_ name: String) throws(BankCodecError) -> String {
            guard let value = request.text(name) else { throw BankCodecError("in/\(name) is required") }
            return value
        }
        let onlineFlag = try required("OnlBatF")
        let settleMode = try required("SettleMode")
        let totalNumber = try required("TotalNum")
        let totalAmount = try required("TotalAmt")
        _ = try required("SignTime")
        let records = request.input.children("rd")
        guard (1...maxRecords).contains(records.count) else {
            throw BankCodecError("\(request.transCode) takes 1 to \(maxRecords) rd, not \(records.count)")
        }
        guard totalNumber == String(records.count) else {
            throw BankCodecError("in/TotalNum \(totalNumber) is not the number of rd (\(records.count))")
        }
        var transfers: [ICBCTransferRequest] = []
        var sum: Int64 = 0
        for (index, record) in records.enumerated() {
            func required(_ name: String) throws(BankCodecError) -> String {
                guard let value = text(record.child(name)) else { throw BankCodecError("rd \(index + 1): \(name) is required") }
                return value
            }
            let flag = try required("SysIOFlg")
            guard flag == "1" || flag == "2" else { throw BankCodecError("rd \(index + 1): SysIOFlg must be 1 or 2") }
            var transfer = ICBCTransferRequest(
                sequence: try required("iSeqno"), reference: text(record.child("Ref")), payType: try required("PayType"),
                debtorAccount: try required("PayAccNo"), debtorName: try required("PayAccNameCN"),
                creditorAccount: try required("RecAccNo"), creditorName: try required("RecAccNameCN"), sameBank: flag == "1",
                creditorCity: text(record.child("RecCityName")), creditorBankCode: text(record.child("RecBankNo")),
                creditorBankName: text(record.child("RecBankName")), currencyType: try required("CurrType"),
                amountText: try required("PayAmt"), purpose: try required("UseCN"), postscript: text(record.child("PostScript")))
            if !transfer.sameBank {
                transfer.creditorCity = try required("RecCityName")
                transfer.creditorBankName = try required("RecBankName")
            }
            if let reference = transfer.reference, reference.utf8.count > 35 {
                throw BankCodecError("rd \(index + 1): Ref over 35 bytes")
            }
            if isDigits(transfer.amountText, maxDigits: 15), let fen = Int64(transfer.amountText) { sum += fen }
            transfers.append(transfer)
        }
        guard totalAmount == String(sum) else {
            throw BankCodecError("in/TotalAmt \(totalAmount) is not the sum of the PayAmt (\(sum))")
        }
        let sequences = transfers.map(\.sequence)
        guard Set(sequences).count == sequences.count else { throw BankCodecError("an iSeqno is repeated") }
        return ICBCPaymentPackage(packageId: request.packageId, onlineFlag: onlineFlag, settleMode: settleMode,
                                  totalNumber: totalNumber, totalAmount: totalAmount, transfers: transfers,
                                  transCode: request.transCode)
    }
}
