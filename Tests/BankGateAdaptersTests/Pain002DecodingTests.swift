import BankGateAdapters
import BankGateCore
import BankGateXML
import XCTest

/// pain.002 reading: every sample in `adapters/iso20022/samples`, hostile documents, unknown codes.
final class Pain002DecodingTests: XCTestCase {
    typealias Fixtures = ISO20022Fixtures
    let adapter = ISO20022Adapter(painVersion: .v09)

    func decode(_ name: String) throws -> StatusReport {
        try adapter.decodeStatusReport(try Fixtures.sample(name))
    }

    func testSamplesAreValidAgainstTheirSchemas() throws {
        let v03 = try XMLSchemaValidator(xsdPath: Fixtures.schemaPath("pain.002.001.03"))
        let v12 = try XMLSchemaValidator(xsdPath: Fixtures.schemaPath("pain.002.001.12"))
        for name in ["pain.002.001.03-accepted.xml", "pain.002.001.03-settled.xml", "pain.002.001.03-rejected-ac01.xml"] {
            XCTAssertEqual(v03.validate(try Fixtures.sample(name)), [], name)
        }
        XCTAssertEqual(v12.validate(try Fixtures.sample("pain.002.001.12-settled.xml")), [])
        // No .10 schema is at hand; the parts used are the same in .12, so check the structure against it.
        for name in ["pain.002.001.10-accepted.xml", "pain.002.001.10-partial-am04.xml",
                     "pain.002.001.10-group-rjct-ff01.xml", "pain.002.001.10-notfound.xml"] {
            let text = String(decoding: try Fixtures.sample(name), as: UTF8.self)
                .replacingOccurrences(of: "pain.002.001.10", with: "pain.002.001.12")
            XCTAssertEqual(v12.validate(Array(text.utf8)), [], name)
        }
    }

    func testAcceptedGroupOnly() throws {
        let report = try decode("pain.002.001.03-accepted.xml")
        XCTAssertEqual(report.reportId, "STS-20261123-0000")
        XCTAssertEqual(report.originalMessageId, "MSG-20261123-0001")
        XCTAssertEqual(report.groupStatus, "ACTC")
        XCTAssertEqual(report.groupOutcome?.status, .submitted)
        XCTAssertEqual(report.transactions, [])
        XCTAssertEqual(report.outcome(endToEndId: "E2E-INV-2026-001", instructionId: "INSTR-0001")?.status, .submitted)
    }

    func testSettled() throws {
        let report = try decode("pain.002.001.03-settled.xml")
        XCTAssertEqual(report.groupStatus, "ACSC")
        XCTAssertEqual(report.transactions, [
            TransactionOutcome(endToEndId: "E2E-INV-2026-001", instructionId: "INSTR-0001", bankStatus: "ACSC", status: .completed),
        ])
        XCTAssertEqual(try decode("pain.002.001.12-settled.xml").groupOutcome?.status, .completed)
    }

    func testRejectedWithAC01() throws {
        let report = try decode("pain.002.001.03-rejected-ac01.xml")
        XCTAssertEqual(report.groupStatus, "RJCT")
        XCTAssertEqual(report.groupOutcome?.status, .rejected)
        let line = try XCTUnwrap(report.transactions.first)
        XCTAssertEqual(report.transactions.count, 1)
        XCTAssertEqual(line.status, .rejected)
        XCTAssertEqual(line.reasonCode, "AC01")
        XCTAssertEqual(line.reasonText, "Creditor account number invalid or unknown at the creditor bank")
        XCTAssertEqual(ISO20022Adapter.reasonCodeMeanings["AC01"], "incorrect account number")
    }

    func testPartialBatchWithAM04() throws {
        let report = try decode("pain.002.001.10-partial-am04.xml")
        XCTAssertEqual(report.originalMessageId, "MSG-20261123-0002")
        XCTAssertEqual(report.groupStatus, "PART")
        XCTAssertEqual(report.groupOutcome?.status, .processing)
        XCTAssertEqual(report.transactions.map(\.endToEndId), ["E2E-BATCH-1", "E2E-BATCH-2", "E2E-BATCH-3"])
        XCTAssertEqual(report.transactions.map(\.instructionId), ["INSTR-0002", "INSTR-0003", "INSTR-0004"])
        XCTAssertEqual(report.transactions.map(\.status), [.completed, .rejected, .completed])
        XCTAssertEqual(report.transactions.map(\.reasonCode), [nil, "AM04", nil])
        XCTAssertEqual(report.outcome(endToEndId: "E2E-BATCH-2", instructionId: "INSTR-0003")?.reasonCode, "AM04")
    }

    func testGroupRejectionFF01() throws {
        let report = try decode("pain.002.001.10-group-rjct-ff01.xml")
        XCTAssertEqual(report.groupStatus, "RJCT")
        XCTAssertEqual(report.groupOutcome, TransactionOutcome(endToEndId: nil, instructionId: nil, bankStatus: "RJCT",
                                                               status: .rejected, reasonCode: "FF01",
                                                               reasonText: "Schema validation failed: element CtrlSum"))
        XCTAssertEqual(report.outcome(endToEndId: "E2E-BATCH-1", instructionId: "INSTR-0002")?.status, .rejected)
    }

    func testPaymentInformationStatusCoversUnlistedTransfers() throws {
        let report = try decode("pain.002.001.10-accepted.xml")
        XCTAssertEqual(report.groupStatus, "ACCP")
        XCTAssertEqual(report.groupOutcome?.bankStatus, "ACSP")
        XCTAssertEqual(report.groupOutcome?.status, .processing)
    }

    func testNotFoundAnswer() throws {
        let report = try decode("pain.002.001.10-notfound.xml")
        XCTAssertEqual(report.groupStatus, "RJCT")
        XCTAssertEqual(report.groupOutcome?.reasonCode, "NOTFOUND")
    }

    func testHostileDocumentsAreRefused() throws {
        for name in ["hostile-dtd.xml", "hostile-xxe.xml", "hostile-billion-laughs.xml"] {
            let bytes = try Fixtures.sample(name)
            XCTAssertThrowsError(try adapter.decodeStatusReport(bytes), name) { error in
                let message = (error as? AdapterError)?.message ?? ""
                XCTAssertTrue(message.contains("DTD"), "\(name): \(message)")
                XCTAssertFalse(message.contains("root:"), name)
            }
            XCTAssertThrowsError(try HardenedXML.parse(bytes), name) { error in
                XCTAssertEqual((error as? XMLError)?.code, .dtdRefused, name)
            }
            XCTAssertEqual(adapter.disposition(httpStatus: 200, body: bytes),
                           .unknown("HTTP 200 without a readable status report: status report refused: document type declarations (DTD) and entity declarations are refused"))
        }
    }

    func testOversizeIsRefused() throws {
        var bytes = try Fixtures.sample("pain.002.001.03-accepted.xml")
        let padding = Array("<!--\(String(repeating: "x", count: 1024))-->\n".utf8)
        while bytes.count <= 32 << 20 { bytes += padding }
        XCTAssertThrowsError(try adapter.decodeStatusReport(bytes)) { error in
            XCTAssertTrue((error as? AdapterError)?.message.contains("over the limit") ?? false, "\(error)")
        }
    }

    func testUnknownStatusAndWrongDocumentsAreRefused() throws {
        let text = String(decoding: try Fixtures.sample("pain.002.001.03-settled.xml"), as: UTF8.self)
        let unknownCode = text.replacingOccurrences(of: "<TxSts>ACSC</TxSts>", with: "<TxSts>ZZZZ</TxSts>")
        XCTAssertThrowsError(try adapter.decodeStatusReport(Array(unknownCode.utf8))) { error in
            XCTAssertTrue((error as? AdapterError)?.message.contains("ZZZZ") ?? false)
        }
        let otherNamespace = text.replacingOccurrences(of: "pain.002.001.03", with: "pain.001.001.03")
        XCTAssertThrowsError(try adapter.decodeStatusReport(Array(otherNamespace.utf8)))
        let noMsgId = text.replacingOccurrences(of: "<MsgId>STS-20261123-0001</MsgId>", with: "")
        XCTAssertThrowsError(try adapter.decodeStatusReport(Array(noMsgId.utf8))) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "GrpHdr/MsgId")
        }
        XCTAssertThrowsError(try adapter.decodeStatusReport(Array("<Document".utf8)))
        XCTAssertThrowsError(try adapter.decodeStatusReport([]))
    }

    func testEveryTableCodeMaps() {
        XCTAssertEqual(ISO20022Codes.table.count, 13)
        for (code, expected) in [("RCVD", PaymentStatus.submitted), ("ACTC", .submitted), ("ACCP", .submitted),
                                 ("ACFC", .processing), ("ACSP", .processing), ("ACWC", .processing),
                                 ("ACWP", .processing), ("PDNG", .processing), ("PART", .processing),
                                 ("ACSC", .completed), ("ACCC", .completed), ("RJCT", .rejected), ("CANC", .rejected)] {
            XCTAssertEqual(ISO20022Codes.builtIn.category(.status, code)?.paymentStatus, expected, code)
        }
    }

    /// `adapters/iso20022/codes.tsv` and ``ISO20022Codes/table`` say the same, row for row.
    func testTheSwiftTableMirrorsCodesTSV() throws {
        let text = try String(contentsOf: ISO20022Fixtures.packageRoot.appendingPathComponent("adapters/iso20022/codes.tsv"),
                              encoding: .utf8)
        let rows = try BankCodeTable<ISO20022CodeKind>.rows(fromTSV: text)
        XCTAssertEqual(rows, ISO20022Codes.table)
        XCTAssertTrue(rows.allSatisfy { ISO20022Codes.categories.contains($0.category) })
        XCTAssertNil(ISO20022Codes.builtIn.category(.status, "XXXX"), "a code of no list is not known")
    }
}
