import BankGateAdapters
import BankGateCore
import BankGateXML
import XCTest

/// pain.001 with what Chinese and international banks need: payment type, charge bearer, the
/// creditor's bank name and branch, its address and the purpose text, in both versions.
final class Pain001DetailsTests: XCTestCase {
    typealias Fixtures = ISO20022Fixtures

    func testEveryNewElementCarriesItsValueInBothVersions() throws {
        for version in ISO20022Adapter.PainVersion.allCases {
            let bytes = try ISO20022Adapter(painVersion: version).encodePayment(Fixtures.detailed()).bytes
            XCTAssertEqual(try XMLSchemaValidator(xsdPath: Fixtures.schemaPath(version.rawValue)).validate(bytes), [], version.rawValue)
            let root = try HardenedXML.parse(bytes)
            let info = try XCTUnwrap(root.descendant("CstmrCdtTrfInitn", "PmtInf"))
            XCTAssertEqual(info.descendant("PmtTpInf", "InstrPrty")?.text, "HIGH", version.rawValue)
            XCTAssertEqual(info.descendant("PmtTpInf", "CtgyPurp", "Cd")?.text, "SUPP")
            XCTAssertEqual(info.descendant("ChrgBr")?.text, "DEBT")
            let transfers = info.children("CdtTrfTxInf")
            XCTAssertEqual(transfers.count, 3)
            XCTAssertNil(transfers[0].child("PmtTpInf"), "the payment type is the PmtInf's, not repeated per transfer")
            XCTAssertNil(transfers[0].child("ChrgBr"))

            let first = transfers[0]
            XCTAssertEqual(first.descendant("CdtrAgt", "FinInstnId", "ClrSysMmbId", "MmbId")?.text, "310290000013")
            XCTAssertEqual(first.descendant("CdtrAgt", "FinInstnId", "Nm")?.text, "上海浦东发展银行")
            XCTAssertEqual(first.descendant("CdtrAgt", "BrnchId", "Nm")?.text, "上海浦东发展银行陆家嘴支行")
            XCTAssertEqual(first.descendant("Cdtr", "PstlAdr", "StrtNm")?.text, "世纪大道 100 号")
            XCTAssertEqual(first.descendant("Cdtr", "PstlAdr", "PstCd")?.text, "200120")
            XCTAssertEqual(first.descendant("Cdtr", "PstlAdr", "TwnNm")?.text, "上海")
            XCTAssertEqual(first.descendant("Cdtr", "PstlAdr", "Ctry")?.text, "CN")
            XCTAssertEqual(first.descendant("Cdtr", "PstlAdr")?.children("AdrLine").map(\.text), ["浦东新区", "环球金融中心 20 楼"])
            XCTAssertEqual(first.descendant("Purp", "Prtry")?.text, "采购货款 PO-2026-118")
            XCTAssertEqual(first.descendant("RmtInf", "Ustrd")?.text, "合同 HT-2026-77 & 发票 <0042>")

            let second = transfers[1]
            XCTAssertNil(second.child("Purp"), "no purpose, no Purp")
            XCTAssertNil(second.descendant("CdtrAgt", "BrnchId"))
            XCTAssertEqual(second.descendant("Cdtr", "PstlAdr")?.children("AdrLine").map(\.text), ["广州市天河区体育西路 1 号"])
            XCTAssertNil(second.descendant("Cdtr", "PstlAdr", "TwnNm"))

            let third = transfers[2]
            XCTAssertNil(third.descendant("CdtrAgt", "FinInstnId", "ClrSysMmbId"), "no bank code: the names alone name the agent")
            XCTAssertEqual(third.descendant("CdtrAgt", "FinInstnId", "Nm")?.text, "China Merchants Bank")
            XCTAssertEqual(third.descendant("CdtrAgt", "BrnchId", "Nm")?.text, "Shenzhen Futian Sub-branch")
            XCTAssertEqual(third.descendant("Cdtr", "PstlAdr", "TwnNm")?.text, "Shenzhen")
            XCTAssertEqual(third.descendant("Purp", "Prtry")?.text, "运费")
        }
    }

    func testNormalPriorityAndEachChargeBearer() throws {
        for bearer in ChargeBearer.allCases {
            var message = Fixtures.single()
            message.transfers[0].details = TransferDetails(priority: .normal, chargeBearer: bearer)
            for version in ISO20022Adapter.PainVersion.allCases {
                let bytes = try ISO20022Adapter(painVersion: version).encodePayment(message).bytes
                XCTAssertEqual(try XMLSchemaValidator(xsdPath: Fixtures.schemaPath(version.rawValue)).validate(bytes), [])
                let info = try XCTUnwrap(try HardenedXML.parse(bytes).descendant("CstmrCdtTrfInitn", "PmtInf"))
                XCTAssertEqual(info.descendant("PmtTpInf", "InstrPrty")?.text, "NORM")
                XCTAssertNil(info.descendant("PmtTpInf", "CtgyPurp"))
                XCTAssertEqual(info.descendant("ChrgBr")?.text, bearer.rawValue)
            }
        }
    }

    /// Payments accepted before the charge bearer was stored have none: their message (and a resend
    /// of it) is what it always was, `SLEV` and no payment type.
    func testWithoutDetailsTheMessageIsAsBefore() throws {
        let bytes = try ISO20022Adapter(painVersion: .v09).encodePayment(Fixtures.single()).bytes
        let text = String(decoding: bytes, as: UTF8.self)
        XCTAssertTrue(text.contains("<ChrgBr>SLEV</ChrgBr>"))
        XCTAssertFalse(text.contains("PmtTpInf"))
        XCTAssertFalse(text.contains("Purp"))
        XCTAssertFalse(text.contains("PstlAdr"))
    }

    func testTransfersOfOneMessageMustShareThePaymentType() {
        let adapter = ISO20022Adapter(painVersion: .v09)
        for change in [{ (details: inout TransferDetails) in details.chargeBearer = .shared },
                       { $0.priority = .normal }, { $0.categoryPurpose = "SALA" }] {
            var message = Fixtures.detailed()
            change(&message.transfers[2].details)
            XCTAssertThrowsError(try adapter.encodePayment(message)) { error in
                XCTAssertEqual((error as? AdapterError)?.location, "CdtTrfTxInf[3]")
            }
        }
        var sameBankDiffers = Fixtures.detailed()
        sameBankDiffers.transfers[1].details.sameBank = nil
        XCTAssertNoThrow(try adapter.encodePayment(sameBankDiffers), "same_bank and purpose are per transfer")
    }

    func testRefusesWhatTheSchemaCannotCarry() {
        let adapter = ISO20022Adapter(painVersion: .v09)
        let cases: [(String, (inout PaymentMessage) -> Void, String)] = [
            ("purpose", { $0.transfers[0].details.purpose = String(repeating: "用", count: 36) }, "CdtTrfTxInf[1]/Purp/Prtry"),
            ("bank name", { $0.transfers[0].creditor.bankName = "" }, "CdtTrfTxInf[1]/CdtrAgt/FinInstnId/Nm"),
            ("branch", { $0.transfers[0].creditor.bankBranch = String(repeating: "b", count: 141) }, "CdtTrfTxInf[1]/CdtrAgt/BrnchId/Nm"),
            ("town", { $0.transfers[0].creditor.address?.town = String(repeating: "t", count: 36) }, "CdtTrfTxInf[1]/Cdtr/PstlAdr/TwnNm"),
            ("country", { $0.transfers[0].creditor.address?.country = "cn" }, "CdtTrfTxInf[1]/Cdtr/PstlAdr/Ctry"),
            ("line", { $0.transfers[0].creditor.address?.lines = [String(repeating: "l", count: 71)] }, "CdtTrfTxInf[1]/Cdtr/PstlAdr/AdrLine"),
            ("category", { message in for i in message.transfers.indices { message.transfers[i].details.categoryPurpose = "SAL-" } },
             "PmtInf/PmtTpInf/CtgyPurp/Cd"),
        ]
        for (label, change, location) in cases {
            var message = Fixtures.detailed()
            change(&message)
            XCTAssertThrowsError(try adapter.encodePayment(message), label) { error in
                XCTAssertEqual((error as? AdapterError)?.location, location, label)
            }
        }
    }

    func testRequirements() {
        let requirements = ISO20022Adapter(painVersion: .v09).paymentFieldRequirements
        XCTAssertEqual(requirements.required, [])
        XCTAssertEqual(requirements.requiredForCNAPSCreditor, [.creditorBankName])
        XCTAssertEqual(requirements.maxPurposeLength, 35)
        XCTAssertEqual(requirements.problem(given: [], creditorBankCode: "310290000013", purpose: nil), .missing(.creditorBankName))
        XCTAssertNil(requirements.problem(given: [.creditorBankName], creditorBankCode: "310290000013", purpose: nil))
        XCTAssertNil(requirements.problem(given: [], creditorBankCode: "BNPAFRPPXXX", purpose: nil))
        XCTAssertNil(requirements.problem(given: [], creditorBankCode: nil, purpose: nil))
        XCTAssertEqual(requirements.problem(given: [.purpose], creditorBankCode: nil, purpose: String(repeating: "p", count: 36)),
                       .purposeTooLong(max: 35))
        let strict = PaymentFieldRequirements(required: [.purpose], notCarried: [.creditorAddress])
        XCTAssertEqual(strict.problem(given: [], creditorBankCode: nil, purpose: nil), .missing(.purpose))
        XCTAssertEqual(strict.problem(given: [.purpose, .creditorAddress], creditorBankCode: nil, purpose: "x"),
                       .notCarried(.creditorAddress))
    }
}
