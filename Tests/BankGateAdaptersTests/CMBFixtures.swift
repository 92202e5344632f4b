import BankGateAdapters
import BankGateCore
import Foundation

/// Fixed inputs for the CMB codec tests and the path of its golden files (`adapters/cmb/samples`,
/// GBK bytes), found from this file's location.
enum CMBFixtures {
    static let samples = ISO20022Fixtures.packageRoot.appendingPathComponent("adapters/cmb/samples")
    static let codesFile = ISO20022Fixtures.packageRoot.appendingPathComponent("adapters/cmb/codes.tsv")

    static func sample(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: samples.appendingPathComponent(name)))
    }

    static let cny = Currency(code: "CNY")!
    static let createdAt = Timestamp.parseDate("2026-11-23")!.adding(milliseconds: 9_000_000)

    static let debtor = DebtorAccount(id: "acc-cmb-1", bankId: "cmb-sz", number: "755912345610001",
                                      bankCode: "308584000013", name: "深圳示例科技有限公司", currency: cny)
    static let adapter = CMBAdapter(loginName: "BANKGATE01", branchCodes: ["755912345610001": "75"])

    /// 12 345.67 CNY to 上海某某贸易有限公司 at ICBC, urgent, purpose 货款.
    static func otherBankTransfer(name: String = "上海某某贸易有限公司") -> CreditTransfer {
        CreditTransfer(
            paymentId: "pay-1", instructionId: "BGI20261123000001", endToEndId: "INV-2026-0042",
            amount: Money(minorUnits: 1_234_567, currency: cny),
            creditor: Party(name: name, account: "31001234567890123", bankCode: "102290000011",
                            bankName: "中国工商银行", bankBranch: "上海市分行营业部",
                            address: PostalAddress(street: "黄浦区中山东一路1号", town: "上海市", country: "CN")),
            remittanceInfo: "合同HT-2026-118 货款 & 运费",
            details: TransferDetails(purpose: "货款", priority: .urgent, sameBank: false))
    }

    /// 800.00 CNY to another CMB customer, normal priority, purpose 服务费.
    static func sameBankTransfer() -> CreditTransfer {
        CreditTransfer(
            paymentId: "pay-2", instructionId: "BGI20261123000002", endToEndId: "FEE-11",
            amount: Money(minorUnits: 80_000, currency: cny),
            creditor: Party(name: "深圳某某咨询有限公司", account: "121909876510202", bankCode: "308584000013"),
            remittanceInfo: nil, details: TransferDetails(purpose: "服务费", sameBank: true))
    }

    static func message(_ transfers: [CreditTransfer], id: String = "BGM20261123000001") -> PaymentMessage {
        PaymentMessage(messageId: id, paymentInfoId: id + "-1", createdAt: createdAt, requestedExecutionDate: "2026-11-23",
                       debtor: debtor, initiatingPartyName: debtor.name, transfers: transfers)
    }
}
