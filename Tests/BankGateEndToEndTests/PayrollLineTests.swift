import BankGateCore
import BankGateSimulator
import Foundation
import XCTest

/// Payroll batches at CMB (`AgentRequest`, asked with `NTAGCQRI`) and ICBC (`PAYPER`, asked with
/// `QPAYPER`): one payroll message, each line executed once, and each line's status its own — a line
/// the bank refuses is rejected while the others complete. At CCB (`6W1303`, asked with `6W1503`)
/// each line is a message of its own.
final class PayrollLineTests: XCTestCase {
    /// A closed account at the bank: a line paying it is refused (AC04).
    static let closedAccount = "6200000000009999"

    static func cmbLine(_ name: String, _ account: String, _ amount: String, sameBank: Bool = true) -> [String: Any] {
        var creditor: [String: Any] = ["name": name, "account": account, "bank_code": "308584000013"]
        if !sameBank {
            creditor["bank_code"] = "102584000002"
            creditor["bank_name"] = "中国工商银行"
            creditor["bank_branch"] = "深圳分行"
            creditor["address"] = ["town": "深圳市", "country": "CN"]
        }
        return ["debtor_account": "cmb-sim-sz", "amount": amount, "currency": "CNY", "purpose": "11月工资", "same_bank": sameBank,
                "creditor": creditor]
    }

    static func icbcLine(_ name: String, _ account: String, _ amount: String, sameBank: Bool = true) -> [String: Any] {
        var creditor: [String: Any] = ["name": name, "account": account, "bank_code": "102100099996"]
        if !sameBank {
            creditor = ["name": name, "account": account, "bank_code": "105100000017", "bank_name": "中国建设银行",
                        "bank_branch": "北京西城支行", "address": ["town": "北京市", "country": "CN"]]
        }
        return ["debtor_account": "icbc-sim-bj", "amount": amount, "currency": "CNY", "purpose": "11月工资", "same_bank": sameBank,
                "creditor": creditor]
    }

    static func ccbLine(_ name: String, _ account: String, _ amount: String, sameBank: Bool = true) -> [String: Any] {
        var creditor: [String: Any] = ["name": name, "account": account, "bank_code": "105584000005"]
        if !sameBank {
            creditor = ["name": name, "account": account, "bank_code": "102584000002", "bank_name": "中国工商银行深圳分行"]
        }
        return ["debtor_account": "ccb-sim-sz", "amount": amount, "currency": "CNY", "purpose": "11月工资", "same_bank": sameBank,
                "creditor": creditor]
    }

    /// The closed account, opened in the simulator's ledger at start.
    static var closed: [SimulatedAccount] {
        [SimulatedAccount(number: closedAccount, balance: Money(minorUnits: 0, currency: Currency(code: "CNY")!), status: .closed)]
    }

    /// Submits `lines` as a payroll and waits until every line is final; returns the final payments.
    static func payroll(_ harness: GatewayHarness, _ lines: [[String: Any]], key: String) async throws -> [[String: Any]] {
        let created = try await harness.call("POST", "/v1/payment-batches", body: ["kind": "payroll", "payments": lines], key: key)
        XCTAssertEqual(created.status, 201, "\(created.json)")
        let payments = try XCTUnwrap(created.json["payments"] as? [[String: Any]], "\(created.json)")
        XCTAssertEqual(payments.count, lines.count)
        var done: [[String: Any]] = []
        for payment in payments {
            done.append(try await harness.waitForPayment(try XCTUnwrap(payment["id"] as? String)) {
                ["completed", "rejected", "failed"].contains($0)
            })
        }
        return done
    }

    /// The kinds of the messages exchanged about `payment`.
    static func messageKinds(_ harness: GatewayHarness, _ payment: [String: Any]) async throws -> [String] {
        let id = try XCTUnwrap(payment["id"] as? String)
        let messages = try await harness.call("GET", "/v1/payments/\(id)/messages")
        return (messages.json["messages"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } ?? []
    }

    // MARK: - CMB

    func testACMBPayrollWhoseAnswerIsLostIsAskedAboutAndEveryLineExecutedOnce() async throws {
        try await Conformance.withProfile(profile: "cmb", faults: FaultSettings(seed: 7, dropAfterExecuteRate: 1)) { harness in
            let done = try await Self.payroll(harness, [
                Self.cmbLine("张三", "6225880212340001", "8500.00"), Self.cmbLine("李四", "6225880212340002", "9200.50"),
                Self.cmbLine("王五", "6222021001234567890", "7300.25", sameBank: false),
            ], key: "cmb-payroll-lost")
            for payment in done {
                XCTAssertEqual(payment["status"] as? String, "completed", "\(payment)")
                XCTAssertEqual(payment["attempts"] as? Int, 1, "the lost answer was asked about, not resent: \(payment)")
                let path = (payment["history"] as? [[String: Any]])?.compactMap { $0["to"] as? String } ?? []
                XCTAssertTrue(path.contains("unknown"), "the answer was lost: \(path)")
            }
            // One batch at the bank: its lines `<YURREF>/1…3`, each executed once and carrying its payment's reference.
            let ledger = try await harness.ledger()
            XCTAssertEqual(ledger.count, 3, "\(ledger)")
            XCTAssertEqual(Set(ledger.compactMap { ($0["end_to_end_id"] as? String)?.split(separator: "/").first }).count, 1, "\(ledger)")
            XCTAssertEqual(Set(ledger.compactMap { $0["end_to_end_id"] as? String }.compactMap { $0.split(separator: "/").last }),
                           ["1", "2", "3"])
            // Each line's 注释 (TRSDSP): the last 20 characters of its payment's instruction id.
            XCTAssertEqual(Set(ledger.compactMap { $0["instr_id"] as? String }),
                           Set(done.compactMap { ($0["instruction_id"] as? String).map { String($0.suffix(20)) } }))
            let kinds = try await Self.messageKinds(harness, done[0])
            XCTAssertTrue(kinds.contains("CMB.AgentRequest"), "sent as CMB's payroll: \(kinds)")
            XCTAssertTrue(kinds.contains("CMB.NTAGCQRI"), "asked about as a batch: \(kinds)")
            XCTAssertFalse(kinds.contains("CMB.DCPAYMNT") || kinds.contains("CMB.NTQRYSTY"), "not as transfers: \(kinds)")
            XCTAssertEqual(kinds.filter { $0 == "CMB.NTAGCQRI" }.count, 1, "one query for the batch, not one per line: \(kinds)")
        }
    }

    func testACMBPayrollLineTheBankRefusesIsRejectedAndTheOthersComplete() async throws {
        try await Conformance.withProfile(profile: "cmb", openAccounts: Self.closed) { harness in
            let done = try await Self.payroll(harness, [
                Self.cmbLine("张三", "6225880212340001", "8500.00"), Self.cmbLine("赵六", Self.closedAccount, "100.00"),
                Self.cmbLine("王五", "6225880212340003", "7300.25"),
            ], key: "cmb-payroll-closed")
            XCTAssertEqual(done.map { $0["status"] as? String }, ["completed", "rejected", "completed"], "\(done)")
            XCTAssertEqual(done[1]["reason_code"] as? String, "SIMAC04", "the line's own reason: \(done[1])")
            let ledger = try await harness.ledger()
            XCTAssertEqual(ledger.count, 2, "the refused line was not paid: \(ledger)")
            XCTAssertFalse(ledger.contains { $0["creditor_account"] as? String == Self.closedAccount })
        }
    }

    // MARK: - ICBC

    func testAnICBCPayrollWhoseAnswerIsLostIsAskedAboutAndEveryLineExecutedOnce() async throws {
        try await Conformance.withProfile(profile: "icbc", faults: FaultSettings(seed: 7, dropAfterExecuteRate: 1)) { harness in
            let done = try await Self.payroll(harness, [
                Self.icbcLine("张三", "6222020200001111", "8500.00"), Self.icbcLine("李四", "6222020200002222", "9200.50"),
                Self.icbcLine("王五", "6217001234567890123", "7300.25", sameBank: false),
            ], key: "icbc-payroll-lost")
            for payment in done {
                XCTAssertEqual(payment["status"] as? String, "completed", "\(payment)")
                XCTAssertEqual(payment["attempts"] as? Int, 1, "the lost answer was asked about, not resent: \(payment)")
                let path = (payment["history"] as? [[String: Any]])?.compactMap { $0["to"] as? String } ?? []
                XCTAssertTrue(path.contains("unknown"), "the answer was lost: \(path)")
                let executed = try await harness.ledger().filter { $0["end_to_end_id"] as? String == payment["instruction_id"] as? String }
                XCTAssertEqual(executed.count, 1, "each line executed once, by its Ref: \(payment)")
            }
            let ledger = try await harness.ledger()
            XCTAssertEqual(ledger.count, 3, "\(ledger)")
            XCTAssertEqual(Set(ledger.compactMap { $0["msg_id"] as? String }).count, 1, "one package: \(ledger)")
            let kinds = try await Self.messageKinds(harness, done[0])
            XCTAssertTrue(kinds.contains("ICBC.PAYPER"), "sent as ICBC's payroll: \(kinds)")
            XCTAssertTrue(kinds.contains("ICBC.QPAYPER"), "asked about with QPAYPER: \(kinds)")
            XCTAssertFalse(kinds.contains("ICBC.PAYENT") || kinds.contains("ICBC.QPAYENT"), "not as payments: \(kinds)")
        }
    }

    func testAnICBCPayrollLineTheBankRefusesIsRejectedAndTheOthersComplete() async throws {
        try await Conformance.withProfile(profile: "icbc", openAccounts: Self.closed) { harness in
            let done = try await Self.payroll(harness, [
                Self.icbcLine("张三", "6222020200001111", "8500.00"), Self.icbcLine("赵六", Self.closedAccount, "100.00"),
            ], key: "icbc-payroll-closed")
            XCTAssertEqual(done.map { $0["status"] as? String }, ["completed", "rejected"], "\(done)")
            XCTAssertEqual(done[1]["reason_code"] as? String, "SIMAC04", "the line's own reason: \(done[1])")
            let ledger = try await harness.ledger()
            XCTAssertEqual(ledger.count, 1, "the refused line was not paid: \(ledger)")
        }
    }

    // MARK: - CCB

    func testACCBPayrollIsOneMessagePerLineWhoseLostAnswersAreAskedAboutWith6W1503() async throws {
        try await Conformance.withProfile(profile: "ccb", faults: FaultSettings(seed: 7, dropAfterExecuteRate: 1)) { harness in
            let done = try await Self.payroll(harness, [
                Self.ccbLine("张三", "6217000010001111", "8500.00"), Self.ccbLine("李四", "6217000010002222", "9200.50"),
                Self.ccbLine("王五", "6222021001234567890", "7300.25", sameBank: false),
            ], key: "ccb-payroll-lost")
            for payment in done {
                XCTAssertEqual(payment["status"] as? String, "completed", "\(payment)")
                XCTAssertEqual(payment["attempts"] as? Int, 1, "the lost answer was asked about, not resent: \(payment)")
                let path = (payment["history"] as? [[String: Any]])?.compactMap { $0["to"] as? String } ?? []
                XCTAssertTrue(path.contains("unknown"), "the answer was lost: \(path)")
                let kinds = try await Self.messageKinds(harness, payment)
                XCTAssertEqual(kinds.filter { $0 == "CCB.6W1303" }.count, 1, "sent once as CCB's 代发: \(kinds)")
                XCTAssertTrue(kinds.contains("CCB.6W1503"), "asked about with 6W1503: \(kinds)")
                XCTAssertFalse(kinds.contains("CCB.6W8010") || kinds.contains("CCB.6W0600"), "not as transfers: \(kinds)")
            }
            // One REQUEST_SN per line: each line its own message, executed once.
            let ledger = try await harness.ledger()
            XCTAssertEqual(ledger.count, 3, "\(ledger)")
            XCTAssertEqual(Set(ledger.compactMap { $0["end_to_end_id"] as? String }),
                           Set(done.compactMap { $0["instruction_id"] as? String }))
            let submissions = Set(done.compactMap { $0["message_id"] as? String })
            XCTAssertEqual(submissions.count, 3, "one message per line: \(done)")
        }
    }

    func testACCBPayrollLineTheBankRefusesIsRejectedAndTheOthersComplete() async throws {
        try await Conformance.withProfile(profile: "ccb", openAccounts: Self.closed) { harness in
            let done = try await Self.payroll(harness, [
                Self.ccbLine("张三", "6217000010001111", "8500.00"), Self.ccbLine("赵六", Self.closedAccount, "100.00"),
            ], key: "ccb-payroll-closed")
            XCTAssertEqual(done.map { $0["status"] as? String }, ["completed", "rejected"], "\(done)")
            let ledger = try await harness.ledger()
            XCTAssertEqual(ledger.count, 1, "the refused line was not paid: \(ledger)")
            XCTAssertFalse(ledger.contains { $0["creditor_account"] as? String == Self.closedAccount })
        }
    }
}
