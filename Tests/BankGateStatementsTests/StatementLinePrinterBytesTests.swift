import BankGateCore
import Foundation
import XCTest
@testable import BankGateStatements

/// The entry lines written with pre-escaped keys into a reused buffer (``StatementJSONLine``) are the
/// bytes the printer wrote before with ``JSONWriter``; the byte sink prints what the string sink prints.
final class StatementLinePrinterBytesTests: XCTestCase {
    /// The transaction line as it was written with `JSONWriter` (kept here as the reference).
    private func reference(_ transaction: StatementTransaction) -> String {
        var json = JSONWriter(capacity: 1024)
        json.beginObject()
        json.field("type", "transaction")
        json.field("account", transaction.account.identifier)
        json.field("statement_id", transaction.statementId)
        json.field("sequence", transaction.sequence)
        json.field("booking_date", transaction.bookingDate)
        json.field("value_date", transaction.valueDate)
        let signed = Money(minorUnits: transaction.signedMinorUnits, currency: transaction.amount.currency)
        json.field("amount", signed.decimalString)
        json.field("currency", transaction.amount.currency.code)
        json.field("credit_debit", transaction.creditDebit.rawValue)
        json.key("reversal")
        json.bool(transaction.isReversal)
        json.field("status", transaction.status.rawValue)
        json.field("bank_reference", transaction.bankReference)
        json.field("account_servicer_reference", transaction.accountServicerReference)
        json.field("end_to_end_id", transaction.endToEndId)
        json.field("instruction_id", transaction.instructionId)
        json.field("message_id", transaction.messageId)
        json.field("payment_information_id", transaction.paymentInformationId)
        json.field("uetr", transaction.uetr)
        json.field("counterparty_name", transaction.counterparty.name)
        json.field("counterparty_account", transaction.counterparty.account)
        json.field("counterparty_bank", transaction.counterparty.bankCode)
        json.field("remittance_information", transaction.remittanceInformation)
        json.field("structured_reference", transaction.structuredReference)
        json.key("bank_transaction_code")
        json.beginObject()
        json.field("domain", transaction.transactionCode.domain)
        json.field("family", transaction.transactionCode.family)
        json.field("sub_family", transaction.transactionCode.subFamily)
        json.field("proprietary", transaction.transactionCode.proprietary)
        json.field("proprietary_issuer", transaction.transactionCode.proprietaryIssuer)
        json.endObject()
        json.field("balance_after", transaction.balanceAfter?.decimalString)
        json.field("additional_information", transaction.additionalInformation)
        json.field("supplementary_details", transaction.supplementaryDetails)
        json.field("source_line", transaction.source.line)
        json.field("source_path", transaction.source.path)
        json.endObject()
        return json.text
    }

    private func transaction(amount: Int64, currency: String, creditDebit: CreditDebit, text: String?,
                             balanceAfter: Int64? = nil) -> StatementTransaction {
        let currency = Currency(code: currency)!
        return StatementTransaction(
            account: StatementAccount(identifier: "DE89370400440532013000"), statementId: "S-\(amount)", sequence: Int(amount % 1000),
            bookingDate: "2026-03-01", valueDate: nil, amount: Money(minorUnits: amount, currency: currency),
            creditDebit: creditDebit, isReversal: amount % 2 == 0, status: .pending, bankReference: text,
            endToEndId: text.map { $0 + $0 }, counterparty: Counterparty(name: text, account: nil, bankCode: "WESTGB2L"),
            remittanceInformation: text, transactionCode: BankTransactionCode(domain: "PMNT", proprietary: text),
            balanceAfter: balanceAfter.map { Money(minorUnits: $0, currency: currency) }, additionalInformation: text,
            source: SourcePosition(line: Int(amount), path: text ?? ""))
    }

    func testEntryLinesMatchTheJSONWriterOnAwkwardValues() {
        let texts: [String?] = [
            nil, "", "plain", "Müller & Söhne \"GmbH\"", "back\\slash", "line\nfeed\r\ttab", "\u{0}\u{1}\u{1F}\u{7F}",
            "€ 100 – 日本 🏦", "ends with escape\"", "\"", String(repeating: "x", count: 3000),
        ]
        let amounts: [(Int64, String)] = [
            (0, "EUR"), (1, "EUR"), (5, "EUR"), (99, "EUR"), (100, "EUR"), (125_000, "EUR"), (1, "JPY"), (123_456, "JPY"),
            (1, "BHD"), (1_000, "BHD"), (Int64.max, "EUR"), (Int64.max, "JPY"),
        ]
        for text in texts {
            for (amount, currency) in amounts {
                for side in [CreditDebit.credit, .debit] {
                    let balance: Int64? = amount % 3 == 0 ? -amount : (amount % 3 == 1 ? nil : amount)
                    let entry = transaction(amount: amount, currency: currency, creditDebit: side, text: text, balanceAfter: balance)
                    XCTAssertEqual(StatementLinePrinter.json(entry), reference(entry))
                }
            }
        }
    }

    func testEntryLinesMatchTheJSONWriterOnEveryFixture() throws {
        var files = try FileManager.default.contentsOfDirectory(atPath: Fixture.directory)
            .filter { !$0.hasPrefix(".") && $0.contains(".") }
        files += try FileManager.default.contentsOfDirectory(atPath: Fixture.path("mt940-dialects")).map { "mt940-dialects/" + $0 }
        var compared = 0
        var refused: [String] = []
        for file in files {
            let collected: StatementCollector
            do {
                collected = try Fixture.parse(file)
            } catch {
                refused.append(file)
                continue
            }
            for entry in collected.transactions {
                XCTAssertEqual(StatementLinePrinter.json(entry), reference(entry), file)
                compared += 1
            }
        }
        XCTAssertGreaterThan(compared, 20)
        // Only the fixtures made to be refused may be skipped; any other parse failure is a regression.
        XCTAssertEqual(refused.sorted(), [], "fixtures the reader refuses")
    }

    func testTheByteSinkPrintsWhatTheStringSinkPrints() throws {
        for mode in [StatementLinePrinter.Mode.jsonLines, .text] {
            for file in ["camt053_v08.xml", "mt940_multi.sta", "mt942.sta", "camt054_v08.xml"] {
                var text = ""
                var lines = StatementLinePrinter(mode: mode) { text += $0 }
                try StatementParser.parse(file: Fixture.path(file), visitor: &lines)
                lines.finish()
                var bytes: [UInt8] = []
                var calls = 0
                var raw = StatementLinePrinter.utf8(mode: mode) { line in
                    bytes.append(contentsOf: line)
                    calls += 1
                    XCTAssertEqual(line.last, UInt8(ascii: "\n"))
                }
                try StatementParser.parse(file: Fixture.path(file), visitor: &raw)
                raw.finish()
                XCTAssertEqual(String(decoding: bytes, as: UTF8.self), text, "\(file) \(mode)")
                XCTAssertGreaterThan(calls, 1)
            }
        }
    }
}
