import BankGateAdapters
import BankGateCore
import Foundation

/// Fixed inputs for the ISO 20022 tests and the paths of the schemas and golden files, found from
/// this file's location (never from the current directory).
enum ISO20022Fixtures {
    /// `/work/main` (the package root), whatever directory the tests run from.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let schemas = packageRoot.appendingPathComponent("../shared/schemas/iso20022").standardizedFileURL
    static let samples = packageRoot.appendingPathComponent("adapters/iso20022/samples")

    static func schemaPath(_ name: String) -> String { schemas.appendingPathComponent(name + ".xsd").path }

    static func sample(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: samples.appendingPathComponent(name)))
    }

    /// 2026-11-23T05:28:18Z
    static let createdAt = Timestamp.parseDate("2026-11-23")!.adding(milliseconds: 19_698_000)
    static let eur = Currency(code: "EUR")!
    static let cny = Currency(code: "CNY")!

    static let eurDebtor = DebtorAccount(id: "acc-eur-1", bankId: "demo-bank", number: "DE89370400440532013000",
                                         bankCode: "COBADEFFXXX", name: "Müller GmbH", currency: eur)
    static let cnyDebtor = DebtorAccount(id: "acc-cny-1", bankId: "demo-cn", number: "6222020200112233445",
                                         bankCode: "102100099996", name: "北京示例科技有限公司", currency: cny)

    static func eurAmount(_ minorUnits: Int64) -> Money { Money(minorUnits: minorUnits, currency: eur) }

    /// One transfer, IBAN to IBAN with a BIC, `&` and `<` in the remittance information.
    static func single() -> PaymentMessage {
        PaymentMessage(
            messageId: "MSG-20261123-0001", paymentInfoId: "PMT-20261123-0001", createdAt: createdAt,
            requestedExecutionDate: "2026-11-24", debtor: eurDebtor, initiatingPartyName: "Müller GmbH",
            transfers: [
                CreditTransfer(paymentId: "pay-1", instructionId: "INSTR-0001", endToEndId: "E2E-INV-2026-001",
                               amount: eurAmount(125_000),
                               creditor: Party(name: "Dupont & Fils SARL", account: "FR1420041010050500013M02606",
                                               bankCode: "BNPAFRPPXXX"),
                               remittanceInfo: "Invoice 2026-001 <urgent> & fees"),
            ])
    }

    /// Three transfers: IBAN without bank code and a Chinese name; escaped characters; a domestic
    /// (non-IBAN) account with a BIC.
    static func batch() -> PaymentMessage {
        PaymentMessage(
            messageId: "MSG-20261123-0002", paymentInfoId: "PMT-20261123-0002", createdAt: createdAt,
            requestedExecutionDate: "2026-11-24", debtor: eurDebtor, initiatingPartyName: "Müller GmbH",
            transfers: [
                CreditTransfer(paymentId: "pay-2", instructionId: "INSTR-0002", endToEndId: "E2E-BATCH-1",
                               amount: eurAmount(100_000),
                               creditor: Party(name: "Zhang Wei 张伟", account: "GB29NWBK60161331926819", bankCode: nil),
                               remittanceInfo: "Salary November"),
                CreditTransfer(paymentId: "pay-3", instructionId: "INSTR-0003", endToEndId: "E2E-BATCH-2",
                               amount: eurAmount(250_050),
                               creditor: Party(name: "Smith & <Sons> Ltd", account: "NL91ABNA0417164300", bankCode: "ABNANL2A"),
                               remittanceInfo: "PO 4711 & 4712 \"see attachment\""),
                CreditTransfer(paymentId: "pay-4", instructionId: "INSTR-0004", endToEndId: "E2E-BATCH-3",
                               amount: eurAmount(1),
                               creditor: Party(name: "Łukasz Żółć", account: "123456789", bankCode: "BPKOPLPW"),
                               remittanceInfo: nil),
            ])
    }

    /// A Chinese domestic payment: CNY, non-IBAN accounts, CNAPS codes on both sides, Chinese text.
    static func cnaps() -> PaymentMessage {
        PaymentMessage(
            messageId: "MSG-20261123-0003", paymentInfoId: "PMT-20261123-0003", createdAt: createdAt,
            requestedExecutionDate: "2026-11-23", debtor: cnyDebtor, initiatingPartyName: "北京示例科技有限公司",
            transfers: [
                CreditTransfer(paymentId: "pay-5", instructionId: "INSTR-0005", endToEndId: "E2E-CN-1",
                               amount: Money(minorUnits: 888_888, currency: cny),
                               creditor: Party(name: "上海浦东发展贸易有限公司", account: "31001234567890123",
                                               bankCode: "310290000013"),
                               remittanceInfo: "货款 2026-11 第3批 & <加急>"),
            ])
    }

    /// `count` transfers to alternating IBAN and domestic accounts, for the limit tests and the benchmark.
    static func large(_ count: Int) -> PaymentMessage {
        var message = single()
        message.transfers = (0..<count).map { index in
            CreditTransfer(paymentId: "pay-\(index)", instructionId: "INSTR-\(index)", endToEndId: "E2E-\(index)",
                           amount: eurAmount(Int64(index % 1000 + 1) * 137),
                           creditor: Party(name: "Creditor \(index) & Co", account: index % 2 == 0 ? "FR1420041010050500013M02606" : "ACC\(index)",
                                           bankCode: "BNPAFRPPXXX"),
                           remittanceInfo: "Invoice \(index)")
        }
        return message
    }

    /// A Chinese domestic batch with every optional field: urgent, category purpose SUPP, the debtor
    /// bearing the charges, purpose text (用途), the receiving bank's name and branch, and creditor
    /// addresses (structured with lines; lines only; town only).
    static func detailed() -> PaymentMessage {
        let details = TransferDetails(purpose: "采购货款 PO-2026-118", priority: .urgent, categoryPurpose: "SUPP",
                                      chargeBearer: .debtor, sameBank: false)
        return PaymentMessage(
            messageId: "MSG-20261123-0004", paymentInfoId: "PMT-20261123-0004", createdAt: createdAt,
            requestedExecutionDate: "2026-11-23", debtor: cnyDebtor, initiatingPartyName: "北京示例科技有限公司",
            transfers: [
                CreditTransfer(paymentId: "pay-6", instructionId: "INSTR-0006", endToEndId: "E2E-CN-2",
                               amount: Money(minorUnits: 1_200_000, currency: cny),
                               creditor: Party(name: "上海浦东发展贸易有限公司", account: "31001234567890123", bankCode: "310290000013",
                                               bankName: "上海浦东发展银行", bankBranch: "上海浦东发展银行陆家嘴支行",
                                               address: PostalAddress(street: "世纪大道 100 号", town: "上海", postalCode: "200120",
                                                                      country: "CN", lines: ["浦东新区", "环球金融中心 20 楼"])),
                               remittanceInfo: "合同 HT-2026-77 & 发票 <0042>", details: details),
                CreditTransfer(paymentId: "pay-7", instructionId: "INSTR-0007", endToEndId: "E2E-CN-3",
                               amount: Money(minorUnits: 50, currency: cny),
                               creditor: Party(name: "广州示例物流有限公司", account: "6222021234567890", bankCode: "102581000013",
                                               bankName: "中国工商银行", address: PostalAddress(country: "CN", lines: ["广州市天河区体育西路 1 号"])),
                               remittanceInfo: nil, details: TransferDetails(priority: .urgent, categoryPurpose: "SUPP", chargeBearer: .debtor)),
                CreditTransfer(paymentId: "pay-8", instructionId: "INSTR-0008", endToEndId: "E2E-CN-4",
                               amount: Money(minorUnits: 9_999, currency: cny),
                               creditor: Party(name: "Shenzhen Example Ltd", account: "755912345678", bankCode: nil,
                                               bankName: "China Merchants Bank", bankBranch: "Shenzhen Futian Sub-branch", address: PostalAddress(town: "Shenzhen", country: "CN")),
                               remittanceInfo: "Freight", details: TransferDetails(purpose: "运费", priority: .urgent, categoryPurpose: "SUPP",
                                                                                  chargeBearer: .debtor, sameBank: true)),
            ])
    }
}
