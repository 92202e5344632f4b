import BankGateAdapters
import BankGateCore
import Foundation

/// Fixed inputs for the ABC codec tests and the path of its golden files (`adapters/abc/samples`,
/// framed GBK bytes), found from this file's location.
enum ABCFixtures {
    static let samples = ISO20022Fixtures.packageRoot.appendingPathComponent("adapters/abc/samples")
    static let codesFile = ISO20022Fixtures.packageRoot.appendingPathComponent("adapters/abc/codes.tsv")

    static func sample(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: samples.appendingPathComponent(name)))
    }

    static let cny = Currency(code: "CNY")!
    /// 2026-11-23 09:00:00 UTC = 17:00:00 in China.
    static let createdAt = Timestamp.parseDate("2026-11-23")!.adding(milliseconds: 9 * 3_600_000)
    /// 2026-11-24 01:30:00 UTC = 09:30:00 in China.
    static let queriedAt = Timestamp.parseDate("2026-11-24")!.adding(milliseconds: 5_400_000)

    static let debtor = DebtorAccount(id: "acc-abc-1", bankId: "abc-bj", number: "110101040012345",
                                      bankCode: "103100000026", name: "北京示例科技有限公司", currency: cny)
    static let adapter = ABCAdapter(corporateNumber: "1101020304050607", operatorNumber: "0001",
                                    provinceCodes: ["110101040012345": "11", "110101040067890": "11"])

    /// 12 345.67 CNY to 上海某某贸易有限公司 at ICBC, urgent, purpose 货款.
    static func otherBankTransfer(name: String = "上海某某贸易有限公司") -> CreditTransfer {
        CreditTransfer(
            paymentId: "pay-1", instructionId: "BGI20261123000001", endToEndId: "INV-2026-0042",
            amount: Money(minorUnits: 1_234_567, currency: cny),
            creditor: Party(name: name, account: "31001234567890123", bankCode: "102290000011",
                            bankName: "中国工商银行", bankBranch: "上海市分行营业部"),
            remittanceInfo: "合同HT-2026-118 货款 & 运费",
            details: TransferDetails(purpose: "货款", priority: .urgent, sameBank: false))
    }

    /// 800.00 CNY to another ABC customer, normal priority.
    static func sameBankTransfer() -> CreditTransfer {
        CreditTransfer(
            paymentId: "pay-2", instructionId: "BGI20261123000002", endToEndId: "FEE-11",
            amount: Money(minorUnits: 80_000, currency: cny),
            creditor: Party(name: "北京某某咨询有限公司", account: "110201040011111", bankCode: "103100000026"),
            remittanceInfo: nil, details: TransferDetails(purpose: "服务费", sameBank: true))
    }

    /// 500 000.00 CNY to our own second ABC account.
    static func ownAccountTransfer() -> CreditTransfer {
        CreditTransfer(
            paymentId: "pay-3", instructionId: "BGI20261123000003", endToEndId: "POOL-1",
            amount: Money(minorUnits: 50_000_000, currency: cny),
            creditor: Party(name: "北京示例科技有限公司", account: "110101040067890", bankCode: "103100000026"),
            remittanceInfo: nil, details: TransferDetails(purpose: "资金调拨", sameBank: true))
    }

    /// 356.80 CNY to 张三's ABC card.
    static func individualTransfer() -> CreditTransfer {
        CreditTransfer(
            paymentId: "pay-4", instructionId: "BGI20261123000004", endToEndId: "EXP-7",
            amount: Money(minorUnits: 35_680, currency: cny),
            creditor: Party(name: "张三", account: "6228480010012345678", bankCode: "103100000026"),
            remittanceInfo: "11月差旅", details: TransferDetails(purpose: "差旅费报销", sameBank: true))
    }

    static func payrollTransfers() -> [CreditTransfer] {
        [
            CreditTransfer(paymentId: "sal-1", instructionId: "BGI20261123000011", endToEndId: "SAL-1",
                           amount: Money(minorUnits: 800_000, currency: cny),
                           creditor: Party(name: "张三", account: "6228480010012345678", bankCode: nil),
                           remittanceInfo: "11月工资", details: TransferDetails(sameBank: true)),
            CreditTransfer(paymentId: "sal-2", instructionId: "BGI20261123000012", endToEndId: "SAL-2",
                           amount: Money(minorUnits: 750_050, currency: cny),
                           creditor: Party(name: "李四四", account: "6228480010087654321", bankCode: nil),
                           remittanceInfo: nil, details: TransferDetails(sameBank: true)),
        ]
    }

    static func message(_ transfers: [CreditTransfer], id: String = "BGM20261123000001") -> PaymentMessage {
        PaymentMessage(messageId: id, paymentInfoId: id + "-1", createdAt: createdAt, requestedExecutionDate: "2026-11-23",
                       debtor: debtor, initiatingPartyName: debtor.name, transfers: transfers)
    }
}
