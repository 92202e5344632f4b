import BankGateCore
import BankGateXML

/// One `DCOPDPAYX` of a `DCPAYMNT` request, as received.
struct CMBTransferRequest: Hashable, Sendable {
    /// 1-based position in the request (`SQRNBR` of its result).
    var position: Int
    /// `YURREF`: the client's reference and the duplicate-check key.
    var reference: String
    var executionDate: String?
    /// `DBTACC`, `DBTBBK`.
    var debtorAccount: String
    var debtorBranch: String
    /// `TRSAMT` as sent, `CCYNBR` (10 when absent).
    var amountText: String
    var currencyNumber: String
    var channel: String?
    /// `NUSAGE`, `BUSNAR`.
    var purpose: String
    var remittance: String?
    /// `BNKFLG`: `Y` a CMB account, `N` another bank's.
    var sameBank: Bool
    /// `CRTACC`, `CRTNAM`, `BRDNBR`, `CRTBNK`, `CRTADR`.
    var creditorAccount: String
    var creditorName: String
    var creditorBankCode: String?
    var creditorBank: String?
    var creditorAddress: String?

    /// The amount in CNY, or why it cannot be executed (the ledger's ISO 20022 reason codes).
    var amount: Result<Money, TransferRejection> {
        guard currencyNumber == "10", let cny = Currency(code: "CNY") else {
            return .failure(TransferRejection(code: "AM03", text: "currency \(currencyNumber) is not processable"))
        }
        guard let money = try? Money(parsing: amountText, currency: cny), money.minorUnits > 0 else {
            return .failure(TransferRejection(code: "AM12", text: "the amount is not a positive amount in CNY"))
        }
        return .success(money)
    }
}

extension CMBBankCodec {
    /// `BUSCOD` of a direct payment (直接支付), the only business the simulator executes.
    static let directPaymentBusinessCode = "N02031"
    /// `DCPAYMNT` with a result per transfer takes at most 30 transfers.
    static let maxTransfersPerRequest = 30

    /// Reads a `DCPAYMNT` request: `SDKPAYRQX` with `BUSCOD=N02031`, then 1–30 `DCOPDPAYX`, each with
    /// the fields CMB marks mandatory (`CRTBNK` and `CRTADR` too for another bank).
    /// - Throws: ``BankCodecError`` naming the record and field, for `RETCOD=-3`: nothing is executed.
    static func readPayment(_ request: Request) throws(BankCodecError) -> [CMBTransferRequest] {
        guard let header = request.records("SDKPAYRQX").first else { throw BankCodecError("missing SDKPAYRQX") }
        guard text(header.child("BUSCOD")) == directPaymentBusinessCode else {
            throw BankCodecError("SDKPAYRQX/BUSCOD must be \(directPaymentBusinessCode)")
        }
        let records = request.records("DCOPDPAYX")
        guard (1...maxTransfersPerRequest).contains(records.count) else {
            throw BankCodecError("\(records.count) DCOPDPAYX: the simulator takes 1 to \(maxTransfersPerRequest)")
        }
        var transfers: [CMBTransferRequest] = []
        for (index, record) in records.enumerated() {
            func required(_ name: String) throws(BankCodecError) -> String {
                guard let value = text(record.child(name)) else {
                    throw BankCodecError("DCOPDPAYX \(index + 1): missing \(name)")
                }
                return value
            }
            let flag = try required("BNKFLG")
            guard flag == "Y" || flag == "N" else { throw BankCodecError("DCOPDPAYX \(index + 1): BNKFLG must be Y or N") }
            let reference = try required("YURREF")
            guard reference.utf8.count <= 30 else { throw BankCodecError("DCOPDPAYX \(index + 1): YURREF over 30 bytes") }
            var transfer = CMBTransferRequest(
                position: index + 1, reference: reference, executionDate: text(record.child("EPTDAT")),
                debtorAccount: try required("DBTACC"), debtorBranch: try required("DBTBBK"),
                amountText: try required("TRSAMT"), currencyNumber: text(record.child("CCYNBR")) ?? "10",
                channel: text(record.child("STLCHN")), purpose: try required("NUSAGE"),
                remittance: text(record.child("BUSNAR")), sameBank: flag == "Y",
                creditorAccount: try required("CRTACC"), creditorName: try required("CRTNAM"),
                creditorBankCode: text(record.child("BRDNBR")), creditorBank: text(record.child("CRTBNK")),
                creditorAddress: text(record.child("CRTADR")))
            if !transfer.sameBank {
                transfer.creditorBank = try required("CRTBNK")
                transfer.creditorAddress = try required("CRTADR")
            }
            transfers.append(transfer)
        }
        return transfers
    }
}
