import BankGateAdapters
import BankGateCore

/// `CQRA10`'s detail file as the simulated client writes it: GBK, one line per booking, the 33
/// fields of `ABCAdapter.decodeTransactionFile` each followed by `|`, `\n` after each line.
enum ABCDetailFileWriter {
    /// The fields of a line.
    static let fieldCount = 33

    /// One booking on the account asked about.
    struct Line: Sendable {
        var movement: LedgerMovement
        /// `TrJrn`: `SIM` + the ledger row (12 digits) + `D` (debit) or `C` (credit): unique per line,
        /// a self-transfer being a debit and a credit.
        var journal: String
        /// `TimeStab`: the booking's China time `YYYYMMDDHHMMSS` and the row (12 digits).
        var timeStamp: String
    }

    /// The lines of `movements`, oldest first, whose China date is from `first` to `last` (`YYYYMMDD`).
    static func lines(_ movements: [LedgerMovement], first: String, last: String) -> [Line] {
        movements.compactMap { movement in
            let when = CMBBankCodec.chinaDateTime(movement.transfer.executedAt)
            let day = String(when.prefix(8))
            guard day >= first && day <= last else { return nil }
            let row = CCBBankCodec.padded(movement.id, to: 12)
            return Line(movement: movement, journal: "SIM" + row + (movement.isDebit ? "D" : "C"), timeStamp: when + row)
        }
    }

    /// The lines after the one whose `TrJrn` is `journal` (all of them for `0`, none when it is not found).
    static func after(_ journal: String?, in lines: [Line]) -> ArraySlice<Line> {
        guard let journal, journal != "0" else { return lines[...] }
        guard let index = lines.firstIndex(where: { $0.journal == journal }) else { return [] }
        return lines[(index + 1)...]
    }

    /// The file's bytes: `Prov|AccNo|Cur|TrDate|TimeStab|TrJrn|TrType|TrBankNo|AccName|AmtIndex|
    /// OppProv|OppAccNo|OppCur|OppName|OppBkName|CshIndex|ErrDate|ErrVchNo|Amt|Bal|PreAmt|TotChg|
    /// VoucherType|VoucherProv|VoucherBat|VoucherNo|CustRef|TransCode|Teller|VchNo|Abs|PostScript|TrFrom|`.
    /// `AmtIndex` is `1` for a debit and `0` for a credit (the simulator's choice: the values are not
    /// public); `Amt` is unsigned, `PreAmt` the balance before; `CustRef` the `ReqSeqNo` of a debit.
    static func file(_ lines: some Collection<Line>, province: String, account: SimulatedAccount, accountName: String,
                     counterpartyName: (String) -> String) -> [UInt8] {
        var text = ""
        for line in lines {
            let movement = line.movement
            let transfer = movement.transfer
            let amount = transfer.amount.minorUnits
            let before = Money(minorUnits: movement.balanceAfter.minorUnits + (movement.isDebit ? amount : -amount),
                               currency: transfer.amount.currency)
            let counterparty = movement.isDebit ? transfer.creditorAccount : transfer.debtorAccount
            let payroll = transfer.endToEndId.contains("/")
            let fields = [
                province, account.number, "01", String(line.timeStamp.prefix(8)), line.timeStamp, line.journal, "", "",
                accountName, movement.isDebit ? "1" : "0", "", counterparty, "01", counterpartyName(counterparty), "", "0", "",
                "", transfer.amount.decimalString, movement.balanceAfter.decimalString, before.decimalString, "0.00", "", "",
                "", "", movement.isDebit ? (transfer.instructionId ?? transfer.endToEndId) : "", payroll ? "CFRT03" : "CFRT02", "", "",
                payroll ? "代发工资" : "转账", "", "",
            ]
            text += fields.map { $0 + "|" }.joined() + "\n"
        }
        // Every value is a number, a code or a name the ledger took from a GBK request or a profile.
        return (try? ChineseTextEncoding.gbk.encode(text, field: "detail file")) ?? Array(text.utf8)
    }
}
