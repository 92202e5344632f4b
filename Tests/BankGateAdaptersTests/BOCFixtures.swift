import BankGateAdapters
import BankGateCore
import Foundation

/// Fixed inputs for the BOC codec tests and the path of its golden files (`adapters/boc/samples`,
/// UTF-8), found from this file's location.
enum BOCFixtures {
    static let samples = ISO20022Fixtures.packageRoot.appendingPathComponent("adapters/boc/samples")
    static let codesFile = ISO20022Fixtures.packageRoot.appendingPathComponent("adapters/boc/codes.tsv")

    static func sample(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: samples.appendingPathComponent(name)))
    }

    static let cny = Currency(code: "CNY")!
    static let token = "TOKEN9TTQALYGH1"
    /// 2026-11-23 01:30:00 UTC, 09:30 in Beijing.
    static let signInTime = Timestamp.parseDate("2026-11-23")!.adding(milliseconds: 5_400_000)

    static let debtor = DebtorAccount(id: "acc-boc-1", bankId: "boc-sh", number: "456776543210",
                                      bankCode: "104290003791", name: "上海示例科技有限公司", currency: cny)
    static let adapter = BOCAdapter(terminalId: "E127000000001", customerId: "12345678", operatorId: "10000001",
                                    branchNumbers: ["456776543210": "40600"])

    /// 12 345.67 CNY to 上海某某贸易有限公司 at ICBC, urgent, purpose 货款.
    static func otherBankTransfer(name: String = "上海某某贸易有限公司") -> CreditTransfer {
        CreditTransfer(
            paymentId: "pay-1", instructionId: "BGI20261123000001", endToEndId: "INV-2026-0042",
            amount: Money(minorUnits: 1_234_567, currency: cny),
            creditor: Party(name: name, account: "31001234567890123", bankCode: "102290000011",
                            bankName: "中国工商银行", bankBranch: "上海市分行营业部",
                            address: PostalAddress(street: "黄浦区中山东一路1号", town: "上海市", country: "CN")),
            remittanceInfo: "合同HT-2026-118",
            details: TransferDetails(purpose: "货款", priority: .urgent))
    }

    /// 800.00 CNY to a BOC customer, no purpose (the remittance text is the 用途), normal priority.
    static func bocTransfer() -> CreditTransfer {
        CreditTransfer(
            paymentId: "pay-2", instructionId: "BGI20261123000002", endToEndId: "FEE-11",
            amount: Money(minorUnits: 80_000, currency: cny),
            creditor: Party(name: "北京某某咨询有限公司", account: "110900000012345", bankCode: "104100000004",
                            bankName: "中国银行"),
            remittanceInfo: "服务费 11月 & 差旅", details: TransferDetails())
    }

    static func message(_ transfers: [CreditTransfer], id: String = "BGM20261123000001",
                        date: String = "2026-11-23") -> PaymentMessage {
        PaymentMessage(messageId: id, paymentInfoId: id + "-1", createdAt: signInTime, requestedExecutionDate: date,
                       debtor: debtor, initiatingPartyName: debtor.name, transfers: transfers)
    }

    /// Two payroll lines (9 000.00 to 张三 at ICBC, 7 500.50 to 李四 at ABC), paid on 2026-11-25.
    static func payroll() -> PaymentMessage {
        func line(_ index: Int, _ name: String, _ account: String, _ bank: String, _ bankName: String,
                  _ minor: Int64) -> CreditTransfer {
            CreditTransfer(paymentId: "sal-\(index)", instructionId: "BGP-L\(index)", endToEndId: "SAL-\(index)",
                           amount: Money(minorUnits: minor, currency: cny),
                           creditor: Party(name: name, account: account, bankCode: bank, bankName: bankName),
                           remittanceInfo: nil, details: TransferDetails(purpose: "工资"))
        }
        return message([line(1, "张三", "6222021001000000001", "102290000011", "中国工商银行", 900_000),
                        line(2, "李四", "6228480000000000002", "103290000016", "中国农业银行", 750_050)],
                       id: "BGP20261125000001", date: "2026-11-25")
    }
}
