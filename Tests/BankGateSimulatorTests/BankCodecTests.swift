import BankGateAdapters
import BankGateCore
import BankGateXML
import Foundation
import XCTest
@testable import BankGateSimulator
import BankGateTestSupport

final class BankCodecTests: XCTestCase {
    func testReadsVersion03AndOtherAccountIds() throws {
        let bytes = Pain001Fixture.document(messageId: "MSG-03", debtor: TestAccounts.domestic, transfers: [
            TestTransfer(endToEndId: "E-1", amount: "7.25", creditor: "CN00123", instructionId: "I-1"),
        ], version: "pain.001.001.03", controlSum: "7.25")
        let initiation = try ISO20022BankCodec.readPaymentInitiation(HardenedXML.parse(bytes, maxBytes: 1 << 20))
        XCTAssertEqual(initiation.messageId, "MSG-03")
        XCTAssertEqual(initiation.messageNameId, "pain.001.001.03")
        XCTAssertNil(initiation.groupProblem)
        let info = try XCTUnwrap(initiation.paymentInformations.first)
        XCTAssertEqual(info.id, "PMT-1")
        XCTAssertEqual(info.debtorAccount, TestAccounts.domestic)
        let transfer = try XCTUnwrap(info.transfers.first)
        XCTAssertEqual(transfer.instructionId, "I-1")
        XCTAssertEqual(transfer.creditorAccount, "CN00123")
        XCTAssertEqual(transfer.creditorAgentBIC, "NWBKGB2LXXX")
        XCTAssertEqual(transfer.remittanceInformation, "Invoice E-1")
        XCTAssertEqual(try transfer.amount.get(), Money(minorUnits: 725, currency: Currency(code: "EUR")!))
    }

    func testReadsWhatTheGatewayAdapterWrites() throws {
        let eur = Currency(code: "EUR")!
        let message = PaymentMessage(
            messageId: "BG-MSG-1", paymentInfoId: "BG-PMT-1", createdAt: Timestamp(milliseconds: 1_795_400_000_000),
            requestedExecutionDate: "2026-11-23",
            debtor: DebtorAccount(id: "acc", bankId: "bank", number: TestAccounts.debtor, bankCode: "COBADEFFXXX",
                                  name: "ACME", currency: eur),
            initiatingPartyName: "ACME",
            transfers: [
                CreditTransfer(paymentId: "p1", instructionId: "I-1", endToEndId: "E-1",
                               amount: Money(minorUnits: 12_345, currency: eur),
                               creditor: Party(name: "Bob", account: TestAccounts.creditor, bankCode: "NWBKGB2LXXX"),
                               remittanceInfo: "inv 1"),
                CreditTransfer(paymentId: "p2", instructionId: "I-2", endToEndId: "E-2",
                               amount: Money(minorUnits: 5, currency: eur),
                               creditor: Party(name: "Eve", account: TestAccounts.domestic, bankCode: nil),
                               remittanceInfo: nil),
            ])
        for version in ISO20022Adapter.PainVersion.allCases {
            let encoded = try ISO20022Adapter(painVersion: version).encodePayment(message)
            let initiation = try ISO20022BankCodec.readPaymentInitiation(HardenedXML.parse(encoded.bytes, maxBytes: 1 << 20))
            XCTAssertEqual(initiation.messageNameId, version.rawValue)
            XCTAssertNil(initiation.groupProblem, "NbOfTxs and CtrlSum written by the adapter must match")
            XCTAssertEqual(initiation.allTransfers.map(\.endToEndId), ["E-1", "E-2"])
            XCTAssertEqual(initiation.allTransfers.map { try? $0.amount.get().minorUnits }, [12_345, 5])
            XCTAssertEqual(initiation.allTransfers.map(\.creditorAccount), [TestAccounts.creditor, TestAccounts.domestic])
        }
    }

    func testExecutesTheAdapterGoldenSamples() async throws {
        guard let samples = Self.repositoryPath("adapters/iso20022/samples") else {
            throw XCTSkip("adapters/iso20022/samples not found")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: samples)
            .filter { $0.hasPrefix("pain.001.") && $0.hasSuffix(".xml") }.sorted()
        XCTAssertFalse(names.isEmpty)
        for name in names {
            // A bank per sample: samples of different versions share a MsgId.
            let bank = try await SimulatedBank.open(dataDirectory: try makeTemporaryDirectory(self), accounts: nil,
                                                    faults: FaultSettings(seed: 1), clock: ManualClock(SimulatorTestTime.start),
                                                    logger: quietLogger)
            defer { bank.close() }
            let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: samples + "/" + name)))
            let answer = await bank.receivePayment(bytes)
            XCTAssertEqual(answer.httpStatus, 200, name)
            let report = try ISO20022Adapter(painVersion: .v09).decodeStatusReport(answer.body)
            XCTAssertNotEqual(report.groupStatus, "RJCT", "\(name)")
        }
    }

    func testControlSumArithmetic() {
        XCTAssertEqual(DecimalText.scaled("15", scale: 5), 1_500_000)
        XCTAssertEqual(DecimalText.scaled("15.01", scale: 5), 1_501_000)
        XCTAssertEqual(DecimalText.scaled("0.000010000000", scale: 5), 1)
        XCTAssertNil(DecimalText.scaled("0.000001", scale: 5))
        XCTAssertNil(DecimalText.scaled("1e5", scale: 5))
        XCTAssertNil(DecimalText.scaled("", scale: 5))
        XCTAssertNil(DecimalText.scaled("99999999999999999999", scale: 5))
    }

    func testStatusReportIsReadByTheGatewayAdapterAndValidAgainstTheSchema() throws {
        let report = StatusReportDocument(
            reportId: "SIM-1", createdAt: Timestamp(milliseconds: 1_795_400_000_000), originalMessageId: "MSG-1",
            originalMessageNameId: "pain.001.001.09", groupStatus: "PART", groupReason: nil,
            paymentInformations: [PaymentInformationStatusLine(paymentInformationId: "PMT-1", status: "PART", transfers: [
                TransferStatusLine(instructionId: "I-1", endToEndId: "E-1", status: "ACSC"),
                TransferStatusLine(instructionId: nil, endToEndId: "E-2", status: "RJCT",
                                   reason: StatusReason(code: "AM04", text: "insufficient funds")),
            ])])
        let bytes = ISO20022BankCodec.writeStatusReport(report)
        let decoded = try ISO20022Adapter(painVersion: .v09).decodeStatusReport(bytes)
        XCTAssertEqual(decoded.originalMessageId, "MSG-1")
        XCTAssertEqual(decoded.groupStatus, "PART")
        XCTAssertEqual(decoded.outcome(endToEndId: "E-1", instructionId: "I-1")?.status, .completed)
        let rejected = decoded.outcome(endToEndId: "E-2", instructionId: "none")
        XCTAssertEqual(rejected?.status, .rejected)
        XCTAssertEqual(rejected?.reasonCode, "AM04")

        // pain.002.001.10's XSD is not in the repository; .12 has the same structure for every element
        // written here, so the document is checked against it under the .12 namespace.
        guard let xsd = Self.schemaPath("pain.002.001.12.xsd") else { throw XCTSkip("pain.002.001.12.xsd not found") }
        let validator = try XMLSchemaValidator(xsdPath: xsd)
        for document in [bytes, ISO20022BankCodec.groupRejection(
            reportId: "SIM-2", createdAt: Timestamp(milliseconds: 0), originalMessageId: "MSG-2",
            originalMessageNameId: "pain.001.001.09",
            reason: StatusReason(code: "NOTFOUND", proprietary: true, text: "no such message"))] {
            let text = String(decoding: document, as: UTF8.self)
                .replacingOccurrences(of: "pain.002.001.10", with: "pain.002.001.12")
            XCTAssertEqual(validator.validate(Array(text.utf8)), [])
            let misordered = text.replacingOccurrences(of: "<GrpSts>", with: "<Bogus/><GrpSts>")
            XCTAssertFalse(validator.validate(Array(misordered.utf8)).isEmpty, "the schema check must be able to fail")
        }
    }

    /// The repository root, found from this file's path.
    static var repositoryRoot: URL {
        var root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        for _ in 0..<3 { root.deleteLastPathComponent() }
        return root
    }

    /// `relative` under the repository root, when it exists.
    static func repositoryPath(_ relative: String) -> String? {
        let path = repositoryRoot.appendingPathComponent(relative).path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Looks for an ISO 20022 schema in the repository or in the shared folder beside it.
    static func schemaPath(_ name: String) -> String? {
        let candidates = [
            repositoryRoot.appendingPathComponent("schemas/iso20022/\(name)"),
            repositoryRoot.appendingPathComponent("adapters/iso20022/schemas/\(name)"),
            repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/schemas/iso20022/\(name)"),
        ]
        return candidates.map(\.path).first { FileManager.default.fileExists(atPath: $0) }
    }
}
