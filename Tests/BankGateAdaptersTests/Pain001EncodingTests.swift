import BankGateAdapters
import BankGateCore
import BankGateXML
import Foundation
import XCTest

/// pain.001 generation: validity against the ISO schemas, golden bytes, input checks.
final class Pain001EncodingTests: XCTestCase {
    typealias Fixtures = ISO20022Fixtures

    func testGeneratedMessagesAreValidAgainstTheSchemas() throws {
        for version in ISO20022Adapter.PainVersion.allCases {
            let validator = try XMLSchemaValidator(xsdPath: Fixtures.schemaPath(version.rawValue))
            let adapter = ISO20022Adapter(painVersion: version)
            for (label, message) in [("single", Fixtures.single()), ("batch", Fixtures.batch()),
                                     ("cnaps", Fixtures.cnaps()), ("large", Fixtures.large(50)),
                                     ("detailed", Fixtures.detailed())] {
                let encoded = try adapter.encodePayment(message)
                XCTAssertEqual(validator.validate(encoded.bytes), [], "\(version.rawValue) \(label)")
                XCTAssertEqual(encoded.kind, version.rawValue)
                XCTAssertEqual(encoded.contentType, "application/xml")
                XCTAssertEqual(encoded.fileName, "\(message.messageId).xml")
            }
        }
    }

    func testGoldenFiles() throws {
        let cases: [(String, ISO20022Adapter.PainVersion, PaymentMessage)] = [
            ("pain.001.001.09-single.xml", .v09, Fixtures.single()),
            ("pain.001.001.09-batch.xml", .v09, Fixtures.batch()),
            ("pain.001.001.03-single.xml", .v03, Fixtures.single()),
            ("pain.001.001.09-details.xml", .v09, Fixtures.detailed()),
            ("pain.001.001.03-details.xml", .v03, Fixtures.detailed()),
        ]
        let update = ProcessInfo.processInfo.environment["BANKGATE_UPDATE_GOLDEN"] == "1"
        for (file, version, message) in cases {
            let bytes = try ISO20022Adapter(painVersion: version).encodePayment(message).bytes
            let url = Fixtures.samples.appendingPathComponent(file)
            if update {
                try Data(bytes).write(to: url)
                continue
            }
            let golden = try XCTUnwrap(try? Data(contentsOf: url), "missing \(file): run with BANKGATE_UPDATE_GOLDEN=1")
            XCTAssertEqual(String(decoding: bytes, as: UTF8.self), String(decoding: golden, as: UTF8.self), file)
            XCTAssertTrue(bytes == Array(golden), "\(file) differs byte for byte")
        }
    }

    func testSameInputGivesIdenticalBytes() throws {
        let adapter = ISO20022Adapter(painVersion: .v09)
        XCTAssertEqual(try adapter.encodePayment(Fixtures.batch()), try adapter.encodePayment(Fixtures.batch()))
    }

    func testContentRoundTripsThroughTheParser() throws {
        let encoded = try ISO20022Adapter(painVersion: .v09).encodePayment(Fixtures.cnaps())
        let root = try HardenedXML.parse(encoded.bytes)
        XCTAssertEqual(root.namespaceURI, "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09")
        let info = try XCTUnwrap(root.descendant("CstmrCdtTrfInitn", "PmtInf"))
        XCTAssertEqual(info.descendant("ReqdExctnDt", "Dt")?.text, "2026-11-23")
        XCTAssertEqual(info.descendant("BtchBookg")?.text, "false")
        XCTAssertEqual(info.descendant("DbtrAcct", "Id", "Othr", "Id")?.text, "6222020200112233445")
        XCTAssertEqual(info.descendant("DbtrAgt", "FinInstnId", "ClrSysMmbId", "ClrSysId", "Cd")?.text, "CNAPS")
        XCTAssertEqual(info.descendant("DbtrAgt", "FinInstnId", "ClrSysMmbId", "MmbId")?.text, "102100099996")
        let transfer = try XCTUnwrap(info.child("CdtTrfTxInf"))
        XCTAssertEqual(transfer.descendant("Amt", "InstdAmt")?.text, "8888.88")
        XCTAssertEqual(transfer.descendant("Amt", "InstdAmt")?.attributes["Ccy"], "CNY")
        XCTAssertEqual(transfer.descendant("Cdtr", "Nm")?.text, "上海浦东发展贸易有限公司")
        XCTAssertEqual(transfer.descendant("RmtInf", "Ustrd")?.text, "货款 2026-11 第3批 & <加急>")
        XCTAssertEqual(transfer.descendant("CdtrAgt", "FinInstnId", "ClrSysMmbId", "MmbId")?.text, "310290000013")

        let batch = try HardenedXML.parse(try ISO20022Adapter(painVersion: .v03).encodePayment(Fixtures.batch()).bytes)
        XCTAssertEqual(batch.descendant("CstmrCdtTrfInitn", "GrpHdr", "CtrlSum")?.text, "3500.51")
        XCTAssertEqual(batch.descendant("CstmrCdtTrfInitn", "GrpHdr", "NbOfTxs")?.text, "3")
        XCTAssertEqual(batch.descendant("CstmrCdtTrfInitn", "GrpHdr", "CreDtTm")?.text, "2026-11-23T05:28:18Z")
        XCTAssertEqual(batch.descendant("CstmrCdtTrfInitn", "PmtInf", "ReqdExctnDt")?.text, "2026-11-24")
        XCTAssertEqual(batch.descendant("CstmrCdtTrfInitn", "PmtInf", "BtchBookg")?.text, "true")
        let names = batch.descendant("CstmrCdtTrfInitn", "PmtInf")?.children("CdtTrfTxInf").compactMap { $0.descendant("Cdtr", "Nm")?.text }
        XCTAssertEqual(names, ["Zhang Wei 张伟", "Smith & <Sons> Ltd", "Łukasz Żółć"])
    }

    func testValidatorDetectsInvalidDocuments() throws {
        let validator = try XMLSchemaValidator(xsdPath: Fixtures.schemaPath("pain.001.001.09"))
        let valid = String(decoding: try ISO20022Adapter(painVersion: .v09).encodePayment(Fixtures.single()).bytes, as: UTF8.self)
        let withoutMsgId = valid.replacingOccurrences(of: "<MsgId>MSG-20261123-0001</MsgId>", with: "")
        XCTAssertNotEqual(withoutMsgId, valid)
        let errors = validator.validate(Array(withoutMsgId.utf8))
        XCTAssertFalse(errors.isEmpty)
        XCTAssertTrue(errors.contains { $0.contains("CreDtTm") && $0.contains("line") }, "\(errors)")

        let version3 = try ISO20022Adapter(painVersion: .v03).encodePayment(Fixtures.single()).bytes
        XCTAssertFalse(validator.validate(version3).isEmpty, "a .03 document is not a valid .09 one")
        XCTAssertFalse(validator.validate(Array("<a>".utf8)).isEmpty)
        XCTAssertThrowsError(try XMLSchemaValidator(xsdPath: Fixtures.schemaPath("no-such-schema")))
    }

    func testRefusesInvalidInputWithoutLeakingAccountNumbers() {
        let adapter = ISO20022Adapter(painVersion: .v09)
        func refusal(_ change: (inout PaymentMessage) -> Void) -> AdapterError? {
            var message = Fixtures.single()
            change(&message)
            do {
                _ = try adapter.encodePayment(message)
                return nil
            } catch {
                return error
            }
        }
        let cases: [(String, (inout PaymentMessage) -> Void, String)] = [
            ("currency", { $0.transfers[0].amount = Money(minorUnits: 100, currency: Fixtures.cny) }, "CdtTrfTxInf[1]/Amt"),
            ("zero amount", { $0.transfers[0].amount = Fixtures.eurAmount(0) }, "CdtTrfTxInf[1]/Amt"),
            ("bad IBAN", { $0.transfers[0].creditor.account = "FR1520041010050500013M02606" }, "CdtTrfTxInf[1]/CdtrAcct"),
            ("bad debtor IBAN", { $0.debtor.number = "DE00370400440532013000" }, "PmtInf/DbtrAcct"),
            ("long account", { $0.transfers[0].creditor.account = String(repeating: "1", count: 35) }, "CdtTrfTxInf[1]/CdtrAcct"),
            ("MsgId", { $0.messageId = "MSG 1" }, "GrpHdr/MsgId"),
            ("EndToEndId", { $0.transfers[0].endToEndId = String(repeating: "E", count: 36) }, "CdtTrfTxInf[1]/PmtId/EndToEndId"),
            ("name", { $0.transfers[0].creditor.name = String(repeating: "n", count: 141) }, "CdtTrfTxInf[1]/Cdtr/Nm"),
            ("control char", { $0.transfers[0].remittanceInfo = "a\u{1}b" }, "CdtTrfTxInf[1]/RmtInf/Ustrd"),
            ("bank code", { $0.transfers[0].creditor.bankCode = "XYZ" }, "CdtTrfTxInf[1]/CdtrAgt"),
            ("debtor bank", { $0.debtor.bankCode = "" }, "PmtInf/DbtrAgt"),
            ("date", { $0.requestedExecutionDate = "2026-02-30" }, "PmtInf/ReqdExctnDt"),
            ("empty", { $0.transfers = [] }, ""),
        ]
        for (label, change, location) in cases {
            let error = refusal(change)
            XCTAssertNotNil(error, label)
            if !location.isEmpty { XCTAssertEqual(error?.location, location, label) }
            XCTAssertFalse(error?.description.contains("2004101005") ?? false, label)
            XCTAssertFalse(error?.description.contains("0532013000") ?? false, label)
        }
        XCTAssertNotNil(refusal { $0 = Fixtures.large(10_001) })
        XCTAssertNoThrow(try adapter.encodePayment(Fixtures.large(10_000)))
    }

    func testVersion3BICPatternIsStricter() throws {
        var message = Fixtures.single()
        message.transfers[0].creditor.bankCode = "1234FRPP"
        XCTAssertThrowsError(try ISO20022Adapter(painVersion: .v03).encodePayment(message))
        let encoded = try ISO20022Adapter(painVersion: .v09).encodePayment(message)
        let validator = try XMLSchemaValidator(xsdPath: Fixtures.schemaPath("pain.001.001.09"))
        XCTAssertEqual(validator.validate(encoded.bytes), [])
    }

    func testAdapterDescription() {
        let adapter = ISO20022Adapter(painVersion: .v03)
        XCTAssertEqual(adapter.name, "iso20022")
        XCTAssertEqual(adapter.capabilities, [.payment, .batchPayment, .statusQuery, .statement, .balance, .receipts])
        XCTAssertEqual(adapter.maxTransfersPerMessage, 10_000)
        XCTAssertEqual(adapter.duplicateCheckWindowMilliseconds, 30 * 86_400_000)
        XCTAssertEqual(ISO20022Adapter(painVersion: .v09, duplicateCheckWindowMilliseconds: 5).duplicateCheckWindowMilliseconds, 5)
    }

    func testFileNamesAreSanitised() throws {
        var message = Fixtures.single()
        message.messageId = "MSG/2026:11?(1)"
        XCTAssertEqual(try ISO20022Adapter(painVersion: .v09).encodePayment(message).fileName, "MSG_2026_11__1_.xml")
    }
}
