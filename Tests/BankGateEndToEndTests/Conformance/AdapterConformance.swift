import BankGateCore
import BankGateSimulator
import Foundation
import XCTest

/// One bank under the conformance suite: the simulator profile that speaks its format, the account
/// its `--print-config` gives, and payments as a treasury system would send them to that bank.
struct ConformanceBank: @unchecked Sendable {
    /// The simulator profile and the adapter (`iso20022`, `cmb`, `icbc` …).
    var profile: String
    /// The first account the simulator prints.
    var accountId: String
    /// A payment request body for the account: amount `amount`, end-to-end id `endToEndId`.
    var payment: @Sendable (_ endToEndId: String, _ amount: String) -> [String: Any]
    /// What the bank's ledger calls the payment (`/sim/ledger`'s `end_to_end_id`): the value of the
    /// bank's client-reference field, read from the gateway's payment.
    var ledgerReference: @Sendable (_ payment: [String: Any]) -> String?
    /// A payment the bank's format cannot carry, and the API field the refusal must name.
    var uncarriable: (body: [String: Any], field: String)
    /// Whether the bank's transaction details carry our reference back (the entry is `matched`), or
    /// only amount, date and counterparty (CCB's `6WY101`: the entry is a `suggested` match).
    var detailsCarryOurReference = true

    /// Every bank under the suite.
    static let all: [ConformanceBank] = [.iso20022, .hsbc, .bochk, .cmb, .cmbCloud, .icbc, .ccb, .boc, .abc]

    /// HSBC Hong Kong (the ISO 20022 adapter's `hsbc` profile): HKD to a bank in Germany, cross-border,
    /// so SWIFT characters only and the creditor's town; `ü` is refused at intake.
    static let hsbc = ConformanceBank(
        profile: "hsbc", accountId: "hsbc-sim-hkd",
        payment: { e2e, amount in
            ["debtor_account": "hsbc-sim-hkd", "amount": amount, "currency": "HKD", "end_to_end_id": e2e,
             "creditor": ["name": "Mueller Handels GmbH", "account": "DE89370400440532013000", "bank_code": "COBADEFFXXX",
                          "address": ["town": "Frankfurt", "country": "DE"]],
             "remittance_info": "Invoice \(e2e)"]
        },
        ledgerReference: { $0["end_to_end_id"] as? String },
        uncarriable: (["debtor_account": "hsbc-sim-hkd", "amount": "1.00", "currency": "HKD",
                       "creditor": ["name": "Müller Handels GmbH", "account": "DE89370400440532013000", "bank_code": "COBADEFFXXX",
                                    "address": ["town": "Frankfurt", "country": "DE"]]],
                      "creditor.name"))

    /// Bank of China (Hong Kong) (the `bochk` profile): HKD to a Hong Kong bank; `&` is not a SWIFT
    /// character, so a name with it to London is refused at intake.
    static let bochk = ConformanceBank(
        profile: "bochk", accountId: "bochk-sim-hkd",
        payment: { e2e, amount in
            ["debtor_account": "bochk-sim-hkd", "amount": amount, "currency": "HKD", "end_to_end_id": e2e,
             "creditor": ["name": "Kowloon Supplies Ltd", "account": "024123456789", "bank_code": "HSBCHKHHHKH",
                          "address": ["town": "Hong Kong", "country": "HK"]],
             "remittance_info": "Invoice \(e2e)"]
        },
        ledgerReference: { $0["end_to_end_id"] as? String },
        uncarriable: (["debtor_account": "bochk-sim-hkd", "amount": "1.00", "currency": "HKD",
                       "creditor": ["name": "Smith & Sons Ltd", "account": "GB82WEST12345698765432", "bank_code": "WESTGB2L",
                                    "address": ["town": "London", "country": "GB"]]],
                      "creditor.name"))

    static let iso20022 = ConformanceBank(
        profile: "iso20022", accountId: "sim-iso-eur",
        payment: { e2e, amount in
            ["debtor_account": "sim-iso-eur", "amount": amount, "currency": "EUR", "end_to_end_id": e2e,
             "creditor": ["name": "Dupont & Fils SARL", "account": "FR1420041010050500013M02606", "bank_code": "BNPAFRPPXXX"],
             "remittance_info": "Invoice \(e2e)"]
        },
        ledgerReference: { $0["end_to_end_id"] as? String },
        uncarriable: (["debtor_account": "sim-iso-eur", "amount": "1.00", "currency": "EUR",
                       "creditor": ["name": "Dupont \u{0007} Fils", "account": "FR1420041010050500013M02606", "bank_code": "BNPAFRPPXXX"]],
                      "creditor.name"))

    static let cmb = ConformanceBank(
        profile: "cmb", accountId: "cmb-sim-sz",
        payment: { e2e, amount in
            ["debtor_account": "cmb-sim-sz", "amount": amount, "currency": "CNY", "end_to_end_id": e2e,
             "purpose": "货款", "priority": "urgent", "same_bank": false,
             "creditor": ["name": "上海某某贸易有限公司", "account": "31001234567890123", "bank_code": "102290000011",
                          "bank_name": "中国工商银行", "bank_branch": "上海市分行营业部",
                          "address": ["town": "上海市", "street": "黄浦区中山东一路1号", "country": "CN"]],
             "remittance_info": "合同 \(e2e)"]
        },
        ledgerReference: { $0["instruction_id"] as? String },
        uncarriable: (["debtor_account": "cmb-sim-sz", "amount": "1.00", "currency": "CNY", "purpose": "货款", "same_bank": true,
                       "creditor": ["name": "深圳某某😀有限公司", "account": "121909876510202", "bank_code": "308584000013"]],
                      "creditor.name"))
}

extension ConformanceBank {
    static let icbc = ConformanceBank(
        profile: "icbc", accountId: "icbc-sim-bj",
        payment: { e2e, amount in
            ["debtor_account": "icbc-sim-bj", "amount": amount, "currency": "CNY", "end_to_end_id": e2e,
             "purpose": "货款", "priority": "normal", "same_bank": false,
             "creditor": ["name": "上海某某贸易有限公司", "account": "31001234567890123", "bank_code": "308290003011",
                          "bank_name": "招商银行上海分行", "address": ["town": "上海市", "country": "CN"]],
             "remittance_info": "合同 \(e2e)"]
        },
        ledgerReference: { $0["instruction_id"] as? String },
        uncarriable: (["debtor_account": "icbc-sim-bj", "amount": "1.00", "currency": "CNY", "purpose": "货款", "same_bank": true,
                       "creditor": ["name": "北京某某😀有限公司", "account": "0200001009200099999", "bank_code": "102100099996"]],
                      "creditor.name"))
}

extension ConformanceBank {
    /// CCB: to another bank by `6W8060`, which carries no remittance text, priority or address.
    static let ccb: ConformanceBank = {
        var bank = ccbPayments
        bank.detailsCarryOurReference = false
        return bank
    }()

    private static let ccbPayments = ConformanceBank(
        profile: "ccb", accountId: "ccb-sim-sz",
        payment: { e2e, amount in
            ["debtor_account": "ccb-sim-sz", "amount": amount, "currency": "CNY", "end_to_end_id": e2e,
             "purpose": "货款", "same_bank": false,
             "creditor": ["name": "上海某某贸易有限公司", "account": "31001234567890123", "bank_code": "102290000011",
                          "bank_name": "中国工商银行上海市分行"]]
        },
        ledgerReference: { $0["instruction_id"] as? String },
        uncarriable: (["debtor_account": "ccb-sim-sz", "amount": "1.00", "currency": "CNY", "purpose": "货款", "same_bank": true,
                       "creditor": ["name": "深圳某某喆有限公司", "account": "44201500000052000099", "bank_code": "105584000005",
                                    "bank_name": "中国建设银行深圳分行"]],
                      "creditor.name"))

    static let boc = ConformanceBank(
        profile: "boc", accountId: "boc-sim-sh",
        payment: { e2e, amount in
            ["debtor_account": "boc-sim-sh", "amount": amount, "currency": "CNY", "end_to_end_id": e2e,
             "purpose": "货款", "priority": "urgent", "remittance_info": "合同 \(e2e)",
             "creditor": ["name": "上海某某贸易有限公司", "account": "31001234567890123", "bank_code": "102290000011",
                          "bank_name": "中国工商银行上海市分行", "address": ["town": "上海市", "country": "CN"]]]
        },
        ledgerReference: { $0["instruction_id"] as? String },
        uncarriable: (["debtor_account": "boc-sim-sh", "amount": "1.00", "currency": "CNY", "purpose": "货款",
                       "creditor": ["name": "上海某某贸易有限公司", "account": "31001234567890123", "bank_code": "102290000011"]],
                      "creditor.bank_name"))
}

extension ConformanceBank {
    /// ABC: one transfer per message (`CFRT02` to another bank), no field for the creditor's address.
    /// Its transaction details come back as a file (`CQRA10`'s `BatchFileName`) fetched by FTP from
    /// the simulated client; `CustRef` carries our `ReqSeqNo` back.
    static let abc: ConformanceBank = {
        ConformanceBank(
            profile: "abc", accountId: "abc-sim-bj",
            payment: { e2e, amount in
                ["debtor_account": "abc-sim-bj", "amount": amount, "currency": "CNY", "end_to_end_id": e2e,
                 "purpose": "货款", "priority": "urgent", "same_bank": false,
                 "creditor": ["name": "上海某某贸易有限公司", "account": "31001234567890123", "bank_code": "102290000011",
                              "bank_name": "中国工商银行", "bank_branch": "上海市分行营业部"],
                 "remittance_info": "合同 \(e2e)"]
            },
            ledgerReference: { $0["instruction_id"] as? String },
            uncarriable: (["debtor_account": "abc-sim-bj", "amount": "1.00", "currency": "CNY", "purpose": "货款", "same_bank": true,
                           "creditor": ["name": "北京某某😀有限公司", "account": "110101040099999", "bank_code": "103100000026",
                                        "bank_name": "中国农业银行北京分行"]],
                          "creditor.name"))
    }()
}

/// The checks every adapter must pass against its simulator, each a function the per-bank test
/// classes call (XCTest on Linux does not inherit test methods).
enum Conformance {
    /// Runs `body` against a gateway and the simulator of `profile` (with `openAccounts` in its
    /// ledger; over its raw socket port with `overTCP`), stopping both whatever happens.
    static func withProfile(profile: String, faults: FaultSettings = FaultSettings(), openAccounts: [SimulatedAccount] = [],
                            overTCP: Bool = false, filesOverFTP: Bool = true, extraBankKeys: String = "",
                            gatewayClock: (any WallClock)? = nil, adjustPrinted: (String) -> String = { $0 },
                            _ body: (GatewayHarness) async throws -> Void) async throws {
        let harness = try GatewayHarness()
        do {
            try await harness.start(profile: profile, faults: faults, extraBankKeys: extraBankKeys, openAccounts: openAccounts,
                                    overTCP: overTCP, filesOverFTP: filesOverFTP, gatewayClock: gatewayClock, adjustPrinted: adjustPrinted)
            try await body(harness)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    /// A payment is sent once, executed once by the bank, and completed.
    static func paymentIsExecutedOnce(_ bank: ConformanceBank) async throws {
        try await withProfile(profile: bank.profile) { harness in
            let created = try await harness.call("POST", "/v1/payments", body: bank.payment("CONF-1", "1234.56"), key: "conf-1")
            XCTAssertEqual(created.status, 201, "\(created.json)")
            let id = try XCTUnwrap(created.json["id"] as? String)
            let done = try await harness.waitForPayment(id) { ["completed", "rejected", "failed"].contains($0) }
            XCTAssertEqual(done["status"] as? String, "completed", "\(done)")
            let reference = try XCTUnwrap(bank.ledgerReference(done))
            let executed = try await harness.ledger().filter { $0["end_to_end_id"] as? String == reference }
            XCTAssertEqual(executed.count, 1, "executed once: \(executed)")
            XCTAssertEqual(executed.first?["amount"] as? String, "1234.56")
        }
    }

    /// A batch becomes the bank's batch message(s); every payment is executed once.
    static func batchIsExecutedOnceEach(_ bank: ConformanceBank) async throws {
        try await withProfile(profile: bank.profile) { harness in
            let batch = try await harness.call("POST", "/v1/payment-batches", body: ["payments": [
                bank.payment("CONF-B1", "10.00"), bank.payment("CONF-B2", "20.00"), bank.payment("CONF-B3", "30.00"),
            ]], key: "conf-batch")
            XCTAssertEqual(batch.status, 201, "\(batch.json)")
            let payments = try XCTUnwrap(batch.json["payments"] as? [[String: Any]])
            var references: [String] = []
            for payment in payments {
                let done = try await harness.waitForPayment(try XCTUnwrap(payment["id"] as? String)) { $0 == "completed" }
                references.append(try XCTUnwrap(bank.ledgerReference(done)))
            }
            let ledger = try await harness.ledger()
            for reference in references {
                XCTAssertEqual(ledger.filter { $0["end_to_end_id"] as? String == reference }.count, 1, reference)
            }
            let batchId = try XCTUnwrap(payments.first?["batch_id"] as? String, "\(batch.json)")
            let shown = try await harness.call("GET", "/v1/payment-batches/\(batchId)")
            let statuses = (shown.json["payments"] as? [[String: Any]])?.compactMap { $0["status"] as? String }
            XCTAssertEqual(statuses, ["completed", "completed", "completed"], "\(shown.json)")
        }
    }

    /// The bank executes the payment and its answer is lost: the gateway asks the bank, learns the
    /// payment was executed, and never sends it again.
    static func lostAnswerIsAskedNotResent(_ bank: ConformanceBank) async throws {
        try await withProfile(profile: bank.profile, faults: FaultSettings(seed: 11, dropAfterExecuteRate: 1)) { harness in
            let created = try await harness.call("POST", "/v1/payments", body: bank.payment("CONF-LOST", "77.00"), key: "conf-lost")
            let id = try XCTUnwrap(created.json["id"] as? String)
            let done = try await harness.waitForPayment(id) { $0 == "completed" }
            let path = (done["history"] as? [[String: Any]])?.compactMap { $0["to"] as? String } ?? []
            XCTAssertTrue(path.contains("unknown"), "the lost answer made the outcome unknown: \(path)")
            XCTAssertEqual(done["attempts"] as? Int, 1, "sent once")
            let reference = try XCTUnwrap(bank.ledgerReference(done))
            let executed = try await harness.ledger().filter { $0["end_to_end_id"] as? String == reference }
            XCTAssertEqual(executed.count, 1)
        }
    }

    /// What the bank's format cannot carry is refused at intake, naming the field; nothing is queued.
    static func uncarriableIsRefusedAtIntake(_ bank: ConformanceBank) async throws {
        try await withProfile(profile: bank.profile) { harness in
            let refused = try await harness.call("POST", "/v1/payments", body: bank.uncarriable.body, key: "conf-bad")
            XCTAssertEqual(refused.status, 422, "\(refused.json)")
            let error = refused.json["error"] as? [String: Any]
            XCTAssertEqual(error?["field"] as? String, bank.uncarriable.field, "\(refused.json)")
            let queue = try await harness.call("GET", "/v1/queue")
            let counts = queue.json["counts"] as? [String: Int] ?? [:]
            XCTAssertEqual(counts.values.reduce(0, +), 0, "nothing accepted: \(queue.json)")
        }
    }

    /// The bank's account information (statement files or balance and transaction queries) books
    /// the payment in the common statement model, matched to the payment, and the day balances.
    static func bankTransactionsReconcile(_ bank: ConformanceBank) async throws {
        try await withProfile(profile: bank.profile) { harness in
            let created = try await harness.call("POST", "/v1/payments", body: bank.payment("CONF-REC", "321.00"), key: "conf-rec")
            let id = try XCTUnwrap(created.json["id"] as? String)
            let done = try await harness.waitForPayment(id) { $0 == "completed" }
            let today = GatewayHarness.today
            let pulled = try await harness.call("POST", "/v1/accounts/\(bank.accountId)/statements/pull?kind=end_of_day&from=\(today)&to=\(today)")
            XCTAssertEqual(pulled.status, 200, "\(pulled.json)")
            let statement = try XCTUnwrap((pulled.json["statements"] as? [[String: Any]])?.first, "\(pulled.json)")
            XCTAssertEqual(statement["integrity"] as? String, "consistent", "\(statement)")
            let listed = try await harness.call("GET", "/v1/accounts/\(bank.accountId)/transactions")
            let transactions = try XCTUnwrap(listed.json["transactions"] as? [[String: Any]])
            let debit = try XCTUnwrap(transactions.first { $0["amount"] as? String == "-321.00" }, "\(transactions)")
            if bank.detailsCarryOurReference {
                XCTAssertEqual(debit["match_state"] as? String, "matched", "\(debit)")
                XCTAssertEqual(debit["instruction_id"] as? String, done["instruction_id"] as? String, "\(debit)")
            } else {
                XCTAssertEqual(debit["match_state"] as? String, "suggested", "found by amount, date and counterparty: \(debit)")
            }
            // Pulled again: the same entries, known by their identity, nothing doubled.
            _ = try await harness.call("POST", "/v1/accounts/\(bank.accountId)/statements/pull?kind=end_of_day&from=\(today)&to=\(today)")
            let again = try await harness.call("GET", "/v1/accounts/\(bank.accountId)/transactions")
            XCTAssertEqual((again.json["transactions"] as? [Any])?.count, transactions.count)
            let report = try await harness.call("GET", "/v1/accounts/\(bank.accountId)/reconciliation?date=\(today)")
            XCTAssertEqual(report.json["balanced"] as? Bool, true, "\(report.json)")
        }
    }
}

final class ISO20022ConformanceTests: XCTestCase {
    func testAPaymentIsExecutedOnce() async throws { try await Conformance.paymentIsExecutedOnce(.iso20022) }
    func testABatchIsExecutedOnceEach() async throws { try await Conformance.batchIsExecutedOnceEach(.iso20022) }
    func testALostAnswerIsAskedNotResent() async throws { try await Conformance.lostAnswerIsAskedNotResent(.iso20022) }
    func testWhatTheBankCannotCarryIsRefusedAtIntake() async throws { try await Conformance.uncarriableIsRefusedAtIntake(.iso20022) }
    func testTheBanksTransactionsReconcile() async throws { try await Conformance.bankTransactionsReconcile(.iso20022) }
}

final class HSBCConformanceTests: XCTestCase {
    func testAPaymentIsExecutedOnce() async throws { try await Conformance.paymentIsExecutedOnce(.hsbc) }
    func testABatchIsExecutedOnceEach() async throws { try await Conformance.batchIsExecutedOnceEach(.hsbc) }
    func testALostAnswerIsAskedNotResent() async throws { try await Conformance.lostAnswerIsAskedNotResent(.hsbc) }
    func testWhatTheBankCannotCarryIsRefusedAtIntake() async throws { try await Conformance.uncarriableIsRefusedAtIntake(.hsbc) }
    func testTheBanksTransactionsReconcile() async throws { try await Conformance.bankTransactionsReconcile(.hsbc) }
}

final class BOCHKConformanceTests: XCTestCase {
    func testAPaymentIsExecutedOnce() async throws { try await Conformance.paymentIsExecutedOnce(.bochk) }
    func testABatchIsExecutedOnceEach() async throws { try await Conformance.batchIsExecutedOnceEach(.bochk) }
    func testALostAnswerIsAskedNotResent() async throws { try await Conformance.lostAnswerIsAskedNotResent(.bochk) }
    func testWhatTheBankCannotCarryIsRefusedAtIntake() async throws { try await Conformance.uncarriableIsRefusedAtIntake(.bochk) }
    func testTheBanksTransactionsReconcile() async throws { try await Conformance.bankTransactionsReconcile(.bochk) }
}

final class CMBConformanceTests: XCTestCase {
    func testAPaymentIsExecutedOnce() async throws { try await Conformance.paymentIsExecutedOnce(.cmb) }
    func testABatchIsExecutedOnceEach() async throws { try await Conformance.batchIsExecutedOnceEach(.cmb) }
    func testALostAnswerIsAskedNotResent() async throws { try await Conformance.lostAnswerIsAskedNotResent(.cmb) }
    func testWhatTheBankCannotCarryIsRefusedAtIntake() async throws { try await Conformance.uncarriableIsRefusedAtIntake(.cmb) }
    func testTheBanksTransactionsReconcile() async throws { try await Conformance.bankTransactionsReconcile(.cmb) }
}

final class ICBCConformanceTests: XCTestCase {
    func testAPaymentIsExecutedOnce() async throws { try await Conformance.paymentIsExecutedOnce(.icbc) }
    func testABatchIsExecutedOnceEach() async throws { try await Conformance.batchIsExecutedOnceEach(.icbc) }
    func testALostAnswerIsAskedNotResent() async throws { try await Conformance.lostAnswerIsAskedNotResent(.icbc) }
    func testWhatTheBankCannotCarryIsRefusedAtIntake() async throws { try await Conformance.uncarriableIsRefusedAtIntake(.icbc) }
    func testTheBanksTransactionsReconcile() async throws { try await Conformance.bankTransactionsReconcile(.icbc) }
}

final class CCBConformanceTests: XCTestCase {
    func testAPaymentIsExecutedOnce() async throws { try await Conformance.paymentIsExecutedOnce(.ccb) }
    func testABatchIsExecutedOnceEach() async throws { try await Conformance.batchIsExecutedOnceEach(.ccb) }
    func testALostAnswerIsAskedNotResent() async throws { try await Conformance.lostAnswerIsAskedNotResent(.ccb) }
    func testWhatTheBankCannotCarryIsRefusedAtIntake() async throws { try await Conformance.uncarriableIsRefusedAtIntake(.ccb) }
    func testTheBanksTransactionsReconcile() async throws { try await Conformance.bankTransactionsReconcile(.ccb) }
}

final class BOCConformanceTests: XCTestCase {
    func testAPaymentIsExecutedOnce() async throws { try await Conformance.paymentIsExecutedOnce(.boc) }
    func testABatchIsExecutedOnceEach() async throws { try await Conformance.batchIsExecutedOnceEach(.boc) }
    func testALostAnswerIsAskedNotResent() async throws { try await Conformance.lostAnswerIsAskedNotResent(.boc) }
    func testWhatTheBankCannotCarryIsRefusedAtIntake() async throws { try await Conformance.uncarriableIsRefusedAtIntake(.boc) }
    func testTheBanksTransactionsReconcile() async throws { try await Conformance.bankTransactionsReconcile(.boc) }
}

final class ABCConformanceTests: XCTestCase {
    func testAPaymentIsExecutedOnce() async throws { try await Conformance.paymentIsExecutedOnce(.abc) }
    func testABatchIsExecutedOnceEach() async throws { try await Conformance.batchIsExecutedOnceEach(.abc) }
    func testALostAnswerIsAskedNotResent() async throws { try await Conformance.lostAnswerIsAskedNotResent(.abc) }
    func testWhatTheBankCannotCarryIsRefusedAtIntake() async throws { try await Conformance.uncarriableIsRefusedAtIntake(.abc) }
    /// The details fetched by FTP (`--ftp-listen`), as the printed configuration says.
    func testTheBanksTransactionsReconcile() async throws { try await Conformance.bankTransactionsReconcile(.abc) }
}
