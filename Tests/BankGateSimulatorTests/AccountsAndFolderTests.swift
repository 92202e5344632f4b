import BankGateAdapters
import BankGateCore
import Foundation
import XCTest
@testable import BankGateSimulator
import BankGateTestSupport

final class AccountsAndFolderTests: XCTestCase {
    func testAccountsFileIsLoadedIntoTheLedger() async throws {
        let directory = try makeTemporaryDirectory(self)
        let path = directory + "/accounts.json"
        try Data("""
            [{"number": "\(TestAccounts.debtor)", "currency": "EUR", "balance": "1250.50", "status": "open"},
             {"number": "\(TestAccounts.domestic)", "currency": "JPY", "balance": "1000", "status": "blocked"},
             {"number": "\(TestAccounts.closed)", "currency": "EUR", "balance": "0.00", "status": "closed"}]
            """.utf8).write(to: URL(fileURLWithPath: path))
        let accounts = try AccountsFile.load(path: path)
        XCTAssertEqual(accounts.count, 3)
        XCTAssertEqual(accounts[1].balance, Money(minorUnits: 1000, currency: Currency(code: "JPY")!))
        XCTAssertEqual(accounts[1].status, .blocked)

        let bank = try await SimulatedBank.open(dataDirectory: directory + "/data", accounts: accounts,
                                                faults: FaultSettings(seed: 1), clock: ManualClock(SimulatorTestTime.start), logger: quietLogger)
        defer { bank.close() }
        let stored = try await bank.accounts()
        XCTAssertEqual(stored.map(\.number), [TestAccounts.domestic, TestAccounts.debtor, TestAccounts.closed])
        XCTAssertEqual(stored.first { $0.number == TestAccounts.debtor }?.balance.minorUnits, 125_050)
    }

    func testAccountsFileErrorsNameTheEntry() {
        let cases = [
            "{}",
            #"[{"number": "\#(TestAccounts.badIBAN)", "currency": "EUR", "balance": "1"}]"#,
            #"[{"number": "A1", "currency": "XXX", "balance": "1"}]"#,
            #"[{"number": "A1", "currency": "EUR", "balance": "1.001"}]"#,
            #"[{"number": "A1", "currency": "EUR", "balance": "1", "status": "frozen"}]"#,
            #"[{"number": "A1", "currency": "EUR", "balance": "1"}, {"number": "A1", "currency": "EUR", "balance": "2"}]"#,
        ]
        for text in cases {
            XCTAssertThrowsError(try AccountsFile.parse(Array(text.utf8), source: "test.json"), text) { error in
                XCTAssertTrue("\(error)".contains("test.json"), "\(error)")
            }
        }
    }

    func testAccountsFileShapeIsCheckedWithTheProjectsJSONReader() throws {
        // Unknown members are ignored and a null status means open, as with JSONDecoder before.
        let accounts = try AccountsFile.parse(Array(#"[{"number": "A1", "currency": "EUR", "balance": "1", "status": null, "note": "x"}]"#.utf8))
        XCTAssertEqual(accounts.map(\.status), [.open])
        for text in [#"[{"number": "A1", "currency": "EUR", "balance": 1}]"#, #"[{"number": "A1", "currency": "EUR"}]"#,
                     #"[{"number": "A1", "currency": "EUR", "balance": "1", "status": 2}]"#, "[1]", "[", "[] x"] {
            XCTAssertThrowsError(try AccountsFile.parse(Array(text.utf8), source: "test.json"), text) { error in
                XCTAssertEqual("\(error)", #"test.json must be a JSON array of {"number", "currency", "balance", "status"} objects"#)
            }
        }
    }

    func testFolderModeAnswersFilesAndFilesThemAway() async throws {
        let directory = try makeTemporaryDirectory(self)
        let bank = try await SimulatedBank.open(dataDirectory: directory + "/data", accounts: ruleAccounts,
                                                faults: FaultSettings(seed: 1), clock: ManualClock(SimulatorTestTime.start), logger: quietLogger)
        defer { bank.close() }
        let worker = SimulatorFolderWorker(bank: bank, inbox: directory + "/in", outbox: directory + "/out",
                                           logger: quietLogger)
        try worker.prepareDirectories()
        let inbox = URL(fileURLWithPath: directory + "/in")
        let outbox = URL(fileURLWithPath: directory + "/out")
        try Data(Pain001Fixture.document(messageId: "MSG/F-1", transfers: [TestTransfer(endToEndId: "E-1", amount: "3")]))
            .write(to: inbox.appendingPathComponent("a-payment.xml"))
        try Data("<not xml".utf8).write(to: inbox.appendingPathComponent("b-broken.xml"))
        try Data("ignored".utf8).write(to: inbox.appendingPathComponent(".c-hidden.xml"))
        try Data("ignored".utf8).write(to: inbox.appendingPathComponent("d-notes.txt"))

        let filed = await worker.pollOnce()
        XCTAssertEqual(filed, 2)
        let answer = try Data(contentsOf: outbox.appendingPathComponent("MSG_F-1.pain.002.xml"))
        let report = try ReadReport(Array(answer))
        XCTAssertEqual(report.originalMessageId, "MSG/F-1")
        XCTAssertEqual(report.lines["E-1"]?.status, "ACSC")
        let fm = FileManager.default
        XCTAssertTrue(fm.fileExists(atPath: inbox.appendingPathComponent("processed/a-payment.xml").path))
        XCTAssertTrue(fm.fileExists(atPath: inbox.appendingPathComponent("failed/b-broken.xml").path))
        let reason = try String(contentsOf: inbox.appendingPathComponent("failed/b-broken.xml.reason.txt"), encoding: .utf8)
        XCTAssertFalse(reason.isEmpty)
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: inbox.path).sorted(),
                       [".c-hidden.xml", "d-notes.txt", "failed", "processed"])

        let query = try ISO20022Adapter(painVersion: .v09).encodeStatusQuery(
            originalMessageId: "MSG/F-1", originalKind: "pain.001.001.09", queryId: "QRY-F",
            createdAt: Timestamp(milliseconds: 0))
        try Data(query.bytes).write(to: inbox.appendingPathComponent("query.xml"))
        let queryFiled = await worker.pollOnce()
        XCTAssertEqual(queryFiled, 1)
        let queried = try Data(contentsOf: outbox.appendingPathComponent("QRY-F.pain.002.xml"))
        XCTAssertEqual(Array(queried), Array(answer))
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: outbox.path).filter { $0.hasPrefix(".") }, [],
                       "no temporary files left behind")
    }

    func testFolderModeLeavesFailedFilesForLaterAndWritesNothingOnDrop() async throws {
        let directory = try makeTemporaryDirectory(self)
        let failing = try await SimulatedBank.open(dataDirectory: directory + "/data", accounts: ruleAccounts,
                                                   faults: FaultSettings(seed: 1, failRate: 1), clock: ManualClock(SimulatorTestTime.start),
                                                   logger: quietLogger)
        let worker = SimulatorFolderWorker(bank: failing, inbox: directory + "/in", outbox: directory + "/out",
                                           logger: quietLogger)
        try worker.prepareDirectories()
        let file = URL(fileURLWithPath: directory + "/in/pay.xml")
        try Data(Pain001Fixture.document(messageId: "MSG-L", transfers: [TestTransfer(endToEndId: "E", amount: "1")]))
            .write(to: file)
        let filedWhileFailing = await worker.pollOnce()
        XCTAssertEqual(filedWhileFailing, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: file.path), "left in the inbox for a later poll")
        failing.close()

        let dropping = try await SimulatedBank.open(dataDirectory: directory + "/data", accounts: nil,
                                                    faults: FaultSettings(seed: 1, dropAfterExecuteRate: 1),
                                                    clock: ManualClock(SimulatorTestTime.start), logger: quietLogger)
        defer { dropping.close() }
        let second = SimulatorFolderWorker(bank: dropping, inbox: directory + "/in", outbox: directory + "/out",
                                           logger: quietLogger)
        let filedWhileDropping = await second.pollOnce()
        XCTAssertEqual(filedWhileDropping, 1)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory + "/out"), [])
        let droppedExecuted = try await dropping.transfers(messageId: "MSG-L").count
        XCTAssertEqual(droppedExecuted, 1)
    }
}
