import BankGateAdapters
import BankGateConfig
import BankGateCore
import XCTest

/// The HSBC and BOCHK profiles of the ISO 20022 adapter: each rule, and the versions they write.
final class ISO20022ProfileTests: XCTestCase {
    private let hkd = Currency(code: "HKD")!
    private lazy var hongKongDebtor = DebtorAccount(id: "acc-hk", bankId: "hsbc-hk", number: "004123456001", bankCode: "HSBCHKHHHKH",
                                                    name: "ACME Trading (HK) Ltd", currency: hkd)

    private func transfer(name: String, account: String, bankCode: String?, town: String? = "Frankfurt",
                          country: String = "DE", remittance: String? = nil) -> CreditTransfer {
        CreditTransfer(paymentId: "pay-1", instructionId: "BGI-1", endToEndId: "E2E-1", amount: Money(minorUnits: 100_000, currency: hkd),
                       creditor: Party(name: name, account: account, bankCode: bankCode,
                                       address: PostalAddress(street: nil, town: town, country: country)),
                       remittanceInfo: remittance)
    }

    func testHSBCKeepsCrossBorderTextWithinTheSWIFTCharacterSet() {
        let umlaut = transfer(name: "Müller GmbH", account: "DE89370400440532013000", bankCode: "COBADEFFXXX")
        let problem = ISO20022Profile.hsbc.problem(umlaut, debtor: hongKongDebtor)
        XCTAssertEqual(problem?.field, "creditor.name")
        XCTAssertTrue(problem?.message.contains("U+FC") == true, problem?.message ?? "")
        XCTAssertTrue(problem?.message.contains("HK → DE") == true, problem?.message ?? "")
        XCTAssertNil(ISO20022Profile.hsbc.problem(transfer(name: "Mueller GmbH", account: "DE89370400440532013000",
                                                           bankCode: "COBADEFFXXX"), debtor: hongKongDebtor))
        let remittance = transfer(name: "Mueller GmbH", account: "DE89370400440532013000", bankCode: "COBADEFFXXX",
                                  remittance: "Invoice #42")
        XCTAssertEqual(ISO20022Profile.hsbc.problem(remittance, debtor: hongKongDebtor)?.field, "remittance_info")
        // Plain ISO 20022 has no such rule.
        XCTAssertNil(ISO20022Profile.standard.problem(umlaut, debtor: hongKongDebtor))
    }

    func testHSBCAllowsChineseFromHongKongToTheMainlandAndAtHome() {
        let mainland = transfer(name: "上海某某贸易有限公司", account: "31001234567890123", bankCode: "102290000011",
                                town: "上海市", country: "CN", remittance: "货款")
        XCTAssertNil(ISO20022Profile.hsbc.problem(mainland, debtor: hongKongDebtor))
        let local = transfer(name: "香港某某有限公司", account: "012345678901", bankCode: "BKCHHKHHXXX", town: "香港", country: "HK")
        XCTAssertNil(ISO20022Profile.hsbc.problem(local, debtor: hongKongDebtor))
        // Hong Kong → Singapore is not a local-language corridor.
        let singapore = transfer(name: "新加坡某某公司", account: "0123456789", bankCode: "DBSSSGSGXXX", town: "Singapore", country: "SG")
        XCTAssertEqual(ISO20022Profile.hsbc.problem(singapore, debtor: hongKongDebtor)?.field, "creditor.name")
        // BOCHK allows the mainland, not Taiwan.
        let taiwan = transfer(name: "台北某某公司", account: "0123456789", bankCode: "BKTWTWTPXXX", town: "Taipei", country: "TW")
        XCTAssertNil(ISO20022Profile.hsbc.problem(taiwan, debtor: hongKongDebtor))
        XCTAssertEqual(ISO20022Profile.bochk.problem(taiwan, debtor: hongKongDebtor)?.field, "creditor.name")
    }

    func testHSBCNeedsTheTownOfACrossBorderCreditor() {
        let noTown = transfer(name: "Mueller GmbH", account: "DE89370400440532013000", bankCode: "COBADEFFXXX", town: nil)
        XCTAssertEqual(ISO20022Profile.hsbc.problem(noTown, debtor: hongKongDebtor)?.field, "creditor.address.town")
        XCTAssertNil(ISO20022Profile.bochk.problem(noTown, debtor: hongKongDebtor))
    }

    func testTheEncoderRefusesWhatTheProfileForbids() throws {
        let adapter = ISO20022Adapter(painVersion: .v03, profile: .hsbc)
        let message = PaymentMessage(messageId: "MSG-1", paymentInfoId: "MSG-1-1", createdAt: Timestamp(milliseconds: 1_790_000_000_000),
                                     requestedExecutionDate: "2026-12-03", debtor: hongKongDebtor,
                                     initiatingPartyName: hongKongDebtor.name,
                                     transfers: [transfer(name: "Müller GmbH", account: "DE89370400440532013000", bankCode: "COBADEFFXXX")])
        XCTAssertThrowsError(try adapter.encodePayment(message)) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "CdtTrfTxInf[1]")
        }
        XCTAssertNotNil(adapter.intakeProblem(message.transfers[0], debtor: hongKongDebtor))
    }

    func testTheProfileChoosesThePainVersionUnlessConfigured() throws {
        var bank = BankConfig(id: "hsbc-hk", adapter: "iso20022", transport: .http(url: "http://127.0.0.1:1"))
        bank.adapterOptions = ["profile": "hsbc"]
        let byProfile = try XCTUnwrap(try AdapterRegistry.make(bank: bank, accounts: []) as? ISO20022Adapter)
        XCTAssertEqual(byProfile.painVersion, .v03)
        XCTAssertEqual(byProfile.profile, .hsbc)
        bank.pain001Version = "pain.001.001.09"
        bank.pain001VersionGiven = true
        let configured = try XCTUnwrap(try AdapterRegistry.make(bank: bank, accounts: []) as? ISO20022Adapter)
        XCTAssertEqual(configured.painVersion, .v09)
        bank.adapterOptions = ["profile": "barclays"]
        XCTAssertThrowsError(try AdapterRegistry.make(bank: bank, accounts: []))
    }
}
