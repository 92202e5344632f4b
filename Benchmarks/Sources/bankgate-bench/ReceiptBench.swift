import BankGateAdapters
import BankGateCore
import BankGateReceipts
import BankGateStatements

/// `bankgate-bench receipts-pdf [--count 500] [--runs 3] [--font FAMILY]`: receipts given as data rendered
/// into PDFs with the default template (its font or `FAMILY`), one after another on one thread; reports receipts
/// per second (median of the runs) and the bytes of one PDF.
enum ReceiptBench {
    static func run(_ options: Options) throws {
        let count = try options.int("count", default: 500)
        let runs = try options.int("runs", default: 3)
        let cny = Currency(code: "CNY")!
        let account = ReceiptAccount(name: "深圳示例科技有限公司", bankName: "招商银行深圳分行")
        var template = ReceiptTemplate.default
        template.font = options.string("font", default: template.font)
        let receipts = (0..<count).map { (index: Int) -> BankReceipt in
            let number = String(index)
            let amount = Money(minorUnits: Int64(100_000 + index * 37), currency: cny)
            let counterparty = Counterparty(name: "上海某某贸易有限公司", account: "31001234567" + number)
            return BankReceipt(receiptNumber: "HD20261123" + number, bankSerial: "SIM" + number,
                               clientReference: "BGI20261123" + number, accountNumber: "755912345610001",
                               bookingDate: "2026-11-23", amount: amount, direction: index % 3 == 0 ? .credit : .debit,
                               counterparty: counterparty, counterpartyBankName: "招商银行上海分行",
                               purpose: "货款 合同 " + number, kind: "转账回单")
        }
        var rates: [Double] = []
        var size = 0
        for _ in 0..<runs {
            let start = Stats.nanos()
            for receipt in receipts {
                size = try ReceiptPDF.render(receipt, account: account, template: template).count
            }
            rates.append(Double(count) / (Double(Stats.nanos() - start) / 1e9))
        }
        print("receipts-pdf: \(count) receipts × \(runs) runs, median \(Stats.grouped(Stats.median(rates))) PDFs/s "
              + "(runs: \(rates.map { Stats.grouped($0) }.joined(separator: ", "))); one PDF \(size) bytes")
    }
}
