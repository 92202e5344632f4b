import BankGateAdapters
import BankGateCore
import Foundation

/// Fixed inputs for the ICBC codec tests and the path of its golden files (`adapters/icbc/samples`,
/// GBK bytes), found from this file's location.
enum ICBCFixtures {
    static let samples = ISO20022Fixtures.packageRoot.appendingPathComponent("adapters/icbc/samples")
    static let codesFile = ISO20022Fixtures.packageRoot.appendingPathComponent("adapters/icbc/codes.tsv")

    static func sample(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: samples.appendingPathComponent(name)))
    }

    static let cny = Currency(code: "CNY")!
    /// 2026-11-23 02:30:00 UTC: 10:30:00.000 in China.
    static let createdAt = Timestamp.parseDate("2026-11-23")!.adding(milliseconds: 9_000_000)
    /// 1.5 s later: the send (`SendTime` 20261123103001500).
    static let sendTime = createdAt.adding(milliseconds: 1_500)

    static let debtor = DebtorAccount(id: "acc-icbc-1", bankId: "icbc-sh", number: "0200001009200012345",
                                      bankCode: "102290000011", name: "上海示例科技有限公司", currency: cny)
    static let adapter = ICBCAdapter(groupCIS: "020090001234567", certificateId: "bankgate.y.0200")

    /// 12 345.67 CNY to 北京某某贸易有限公司 at CCB, urgent, purpose 货款.
    static func otherBankTransfer(name: String = "北京某某贸易有限公司") -> CreditTransfer {
        CreditTransfer(
            paymentId: "pay-1", instructionId: "BGI20261123000001", endToEndId: "INV-2026-0042",
            amount: Money(minorUnits: 1_234_567, currency: cny),
            creditor: Party(name: name, account: "11001234567890123456", bankCode: "105100000017",
                            bankName: "中国建设银行", bankBranch: "北京西城支行",
                            address: PostalAddress(street: "西城区金融大街1号", town: "北京市", country: "CN")),
            remittanceInfo: "合同HT-2026-118 货款 & 运费",
            details: TransferDetails(purpose: "货款", priority: .urgent, sameBank: false))
    }

    /// 800.00 CNY to another ICBC customer, priority not given, purpose 服务费.
    static func sameBankTransfer() -> CreditTransfer {
        CreditTransfer(
            paymentId: "pay-2", instructionId: "BGI20261123000002", endToEndId: "FEE-11",
            amount: Money(minorUnits: 80_000, currency: cny),
            creditor: Party(name: "上海某某咨询有限公司", account: "1001234509000067890", bankCode: "102290000011"),
            remittanceInfo: nil, details: TransferDetails(purpose: "服务费", sameBank: true))
    }

    static func message(_ transfers: [CreditTransfer], id: String = "BGM20261123000001") -> PaymentMessage {
        PaymentMessage(messageId: id, paymentInfoId: id + "-1", createdAt: createdAt, requestedExecutionDate: "2026-11-23",
                       debtor: debtor, initiatingPartyName: debtor.name, transfers: transfers)
    }
}
