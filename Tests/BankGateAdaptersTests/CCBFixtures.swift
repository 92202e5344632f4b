import BankGateAdapters
import BankGateCore
import Foundation

/// Fixed inputs for the CCB codec tests and the path of its golden files (`adapters/ccb/samples`:
/// requests in GB2312, answers in GB18030).
enum CCBFixtures {
    static let samples = ISO20022Fixtures.packageRoot.appendingPathComponent("adapters/ccb/samples")
    static let codesFile = ISO20022Fixtures.packageRoot.appendingPathComponent("adapters/ccb/codes.tsv")

    static func sample(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: samples.appendingPathComponent(name)))
    }

    static let cny = Currency(code: "CNY")!
    static let password = "s3cret!9"
    static let createdAt = Timestamp.parseDate("2026-11-23")!.adding(milliseconds: 9_000_000)

    static let debtor = DebtorAccount(id: "acc-ccb-1", bankId: "ccb-sz", number: "44050100000000001234",
                                      bankCode: "105584000013", name: "深圳示例科技有限公司", currency: cny)
    static let adapter = CCBAdapter(customerId: "SZP000012345#001", operatorId: "WLPT01", password: password)

    /// 12 345.67 CNY to another CCB customer, purpose 货款, with a remittance that fits `REM1`.
    static func sameBankTransfer(name: String = "深圳某某咨询有限公司") -> CreditTransfer {
        CreditTransfer(
            paymentId: "pay-1", instructionId: "2026112300000001", endToEndId: "INV-2026-0042",
            amount: Money(minorUnits: 1_234_567, currency: cny),
            creditor: Party(name: name, account: "44050100000000005678", bankCode: "105584000013",
                            bankName: "中国建设银行", bankBranch: "深圳分行营业部"),
            remittanceInfo: "合同HT-2026-118 货款 & 运费",
            details: TransferDetails(purpose: "货款", sameBank: true))
    }

    /// 800.00 CNY to 上海某某贸易有限公司 at ICBC, purpose 服务费.
    static func otherBankTransfer() -> CreditTransfer {
        CreditTransfer(
            paymentId: "pay-2", instructionId: "2026112300000002", endToEndId: "FEE-11",
            amount: Money(minorUnits: 80_000, currency: cny),
            creditor: Party(name: "上海某某贸易有限公司", account: "31001234567890123", bankCode: "102290000011",
                            bankName: "中国工商银行", bankBranch: "上海市分行营业部"),
            remittanceInfo: nil, details: TransferDetails(purpose: "服务费", sameBank: false))
    }

    /// 5 000.00 CNY of salary to 张三 at CCB.
    static func payrollTransfer() -> CreditTransfer {
        CreditTransfer(
            paymentId: "pay-3", instructionId: "2026112300000003", endToEndId: "SAL-2026-11-001",
            amount: Money(minorUnits: 500_000, currency: cny),
            creditor: Party(name: "张三", account: "6217000010051641390", bankCode: "105584000013"),
            remittanceInfo: "11月工资", details: TransferDetails(sameBank: true))
    }

    static func message(_ transfers: [CreditTransfer], id: String = "BGM20261123000001") -> PaymentMessage {
        PaymentMessage(messageId: id, paymentInfoId: id + "-1", createdAt: createdAt, requestedExecutionDate: "2026-11-23",
                       debtor: debtor, initiatingPartyName: debtor.name, transfers: transfers)
    }
}
