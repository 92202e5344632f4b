import BankGateCore
import BankGateXML

/// The e-receipts of the CMB front-end (`SDKCSFDFBRT`): one per booking of the ledger, a sent payment
/// (`CPRRCSNDX1`) for a debit and a received one (`CPRRCRCVX1`) for a credit, each with its
/// `CSRRCFDFZ1` summary. The receipt number (`ISTNBR`, 13 characters) is `SD` or `SC` and the
/// booking's row id; `TRSSEQ` and `TRSNBR` are the serial `GetTransInfo` gives (`REFNBR`).
enum CMBReceipts {
    /// `ITMCOD` of a sent and of a received payment's receipt, as in the published sample.
    static let sentCode = "HD002013"
    static let receivedCode = "HD002037"

    /// The receipt number of `movement`.
    static func receiptNumber(_ movement: LedgerMovement) -> String {
        (movement.isDebit ? "SD" : "SC") + padded(movement.id, to: 11)
    }

    /// The detail record and the summary of `movement`'s receipt. `order` is the stored `NTQPAYQYZ`
    /// of the transfer when it came through this profile (the payee's name and bank, the purpose,
    /// `YURREF`, which a sent payment's receipt carries in `NARTX1` with `REFTCD`).
    static func records(_ movement: LedgerMovement, order: XMLNode?, profile: CMBProfile) -> [CMBBankCodec.Record] {
        let transaction = CMBExecution.transactionRecord(movement, order: order, profile: profile).fields
        let transfer = movement.transfer
        func ordered(_ name: String) -> String { CMBBankCodec.text(order?.child(name)) ?? "" }
        let number = receiptNumber(movement)
        let serial = transaction["REFNBR"] ?? ""
        let debtorName = profile.knownAccount(transfer.debtorAccount)?.name ?? ordered("DBTNAM")
        let creditorName = profile.knownAccount(transfer.creditorAccount)?.name ?? ordered("CRTNAM")
        var fields: [String: String] = [
            "BUSNBR": serial, "CCYNBR": CMBBankCodec.currencyNumbers[transfer.amount.currency.code] ?? "10", "ISTNBR": number,
            "ISUDAT": transaction["ETYDAT"] ?? "", "NARTXT": ordered("NUSAGE"), "REGEAC": movement.isDebit ? transfer.debtorAccount
                : transfer.creditorAccount,
            "RCVEAB": movement.isDebit ? ordered("CRTBNK") : "招商银行", "RCVEAC": transfer.creditorAccount, "RCVEAN": creditorName,
            "RRCTYP": movement.isDebit ? "CPRRCSN2" : "CPRRCCR1", "SNDEAB": "招商银行", "SNDEAC": transfer.debtorAccount,
            "SNDEAN": debtorName, "TRSAMT": transfer.amount.decimalString, "TRSNBR": serial,
        ]
        if movement.isDebit, order != nil {
            fields["REFTCD"] = CMBBankCodec.directPaymentBusinessCode
            fields["NARTX1"] = transfer.endToEndId
        }
        let summary = CMBBankCodec.Record(name: "CSRRCFDFZ1", fields: [
            "CHKCOD": SimulatedReceiptDocument.checkCode(number, serial), "ISTNBR": number,
            "ITMCOD": movement.isDebit ? sentCode : receivedCode, "TRSSEQ": serial,
        ])
        return [CMBBankCodec.Record(name: movement.isDebit ? "CPRRCSNDX1" : "CPRRCRCVX1", fields: fields), summary]
    }

    private static func padded(_ value: Int64, to width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
