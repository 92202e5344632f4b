import BankGateAdapters
import BankGateCore
import BankGateReceipts
import BankGateStatements
import Foundation
import BankGateTestSupport
import XCTest

/// A receipt given as data, rendered to PDF and read back with `pdftotext` (poppler-utils): the
/// amount, the accounts, the names (Chinese included), the date and the receipt number are there.
final class ReceiptPDFTests: XCTestCase {
    static let receipt = BankReceipt(
        receiptNumber: "HD20261123000042", bankSerial: "SIM000000000042", clientReference: "BGI2026112300000000000042",
        accountNumber: "755912345610001", bookingDate: "2026-11-23",
        amount: Money(minorUnits: 1_234_567, currency: Currency(code: "CNY")!), direction: .debit,
        counterparty: Counterparty(name: "上海浦东发展贸易有限公司", account: "31001234567890123", bankCode: "310290000013"),
        counterpartyBankName: "上海浦东发展银行", purpose: "货款 INV-2026-0042", kind: "转账回单",
        extraFields: ["TRSDSP": "十一月货款"])
    static let account = ReceiptAccount(name: "深圳示例科技有限公司", bankName: "招商银行深圳分行")

    /// The text of `pdf` without white space (``pdfText(_:squeezed:)``); skips the test where
    /// poppler is missing.
    func text(of pdf: [UInt8]) throws -> String {
        do {
            return try pdfText(pdf, squeezed: true)
        } catch let error as PDFTextUnavailable {
            throw XCTSkip(error.description)
        }
    }

    /// `text` without white space, as ``text(of:)`` returns a PDF's.
    func squeezed(_ text: String) -> String { String(text.filter { !$0.isWhitespace }) }

    func testTheDefaultTemplateShowsWhatFinanceFiles() throws {
        let pdf = try ReceiptPDF.render(Self.receipt, account: Self.account)
        XCTAssertTrue(pdf.starts(with: Array("%PDF-".utf8)))
        let text = try text(of: pdf)
        for expected in ["电子回单", "HD20261123000042", "2026-11-23", "CNY 12,345.67", "人民币壹万贰仟叁佰肆拾伍元陆角柒分",
                         "深圳示例科技有限公司", "755912345610001", "招商银行深圳分行", "上海浦东发展贸易有限公司",
                         "31001234567890123", "上海浦东发展银行", "货款 INV-2026-0042", "SIM000000000042"] {
            XCTAssertTrue(text.contains(squeezed(expected)), "\(expected) not in:\n\(text)")
        }
        // A debit: we pay, so the payer is our account and comes first.
        let payer = try XCTUnwrap(text.range(of: "深圳示例科技有限公司")), payee = try XCTUnwrap(text.range(of: "上海浦东发展贸易有限公司"))
        XCTAssertLessThan(payer.lowerBound, payee.lowerBound)
    }

    func testTheSameReceiptGivesTheSameBytes() throws {
        XCTAssertEqual(try ReceiptPDF.render(Self.receipt, account: Self.account), try ReceiptPDF.render(Self.receipt, account: Self.account))
        var other = Self.receipt
        other.amount = Money(minorUnits: 1_234_568, currency: Currency(code: "CNY")!)
        XCTAssertNotEqual(try ReceiptPDF.render(other, account: Self.account), try ReceiptPDF.render(Self.receipt, account: Self.account))
    }

    func testATemplateFileChoosesTheRowsAndEmptyRowsAreLeftOut() throws {
        let template = try ReceiptTemplate.parse("""
            title = "代发工资回单"
            page = "a4"
            font_size = 11
            footer = "财务部存档"

            [[fields]]
            label = "收款人"
            value = "payee_name"

            [[fields]]
            label = "摘要"
            value = "extra.TRSDSP"

            [[fields]]
            label = "Not given"
            value = "extra.NONE"
            """, name: "payroll", source: "payroll.toml")
        XCTAssertEqual(template.rows.count, 3)
        let text = try text(of: try ReceiptPDF.render(Self.receipt, account: Self.account, template: template))
        for expected in ["代发工资回单", "收款人", "上海浦东发展贸易有限公司", "十一月货款", "财务部存档"] {
            XCTAssertTrue(text.contains(expected), "\(expected) not in:\n\(text)")
        }
        XCTAssertFalse(text.contains("Notgiven"), "a row the receipt gives no value for is left out")
        XCTAssertFalse(text.contains("755912345610001"), "only the template's rows")
    }

    func testAReceiptLongerThanAPageGoesOn() throws {
        var receipt = Self.receipt
        receipt.purpose = String(repeating: "很长的用途说明，", count: 200)
        let pdf = try ReceiptPDF.render(receipt, account: Self.account)
        let text = try text(of: pdf)
        XCTAssertTrue(text.contains("\u{0C}"), "more than one page")
        XCTAssertTrue(text.contains("SIM000000000042"), "the rows after the long one are on the next page")
    }

    func testBadTemplatesAreRefusedWithTheirLine() {
        for (text, problem) in [
            ("title = \"x\"\n[[fields]]\nlabel = \"a\"\nvalue = \"amout\"\n", "payroll.toml:4: unknown value amout"),
            ("title = \"x\"\npage = \"letter\"\n[[fields]]\nlabel = \"a\"\nvalue = \"amount\"\n", "payroll.toml:2: page must be one of"),
            ("title = \"x\"\n", "a template needs [[fields]]"),
            ("colour = \"red\"\n[[fields]]\nlabel = \"a\"\nvalue = \"amount\"\n", "payroll.toml:1: unknown key colour"),
            ("columns = 3\n[[fields]]\nlabel = \"a\"\nvalue = \"amount\"\n", "columns must be 1 or 2"),
            ("font_size = 40\n[[fields]]\nlabel = \"a\"\nvalue = \"amount\"\n", "font_size must be an integer from 6 to 24"),
            ("[[fields]]\nlabel = \"a\"\n", "needs label and value"),
        ] {
            XCTAssertThrowsError(try ReceiptTemplate.parse(text, name: "payroll", source: "payroll.toml")) { error in
                XCTAssertTrue("\(error)".contains(problem), "\(error) does not say \(problem)")
            }
        }
    }

    func testTheShippedDefaultTemplateFileIsTheBuiltInOne() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = root.appendingPathComponent("config/receipt-templates/default.toml")
        let parsed = try ReceiptTemplate.parse(try String(contentsOf: file, encoding: .utf8), name: "default", source: file.path)
        XCTAssertEqual(parsed, ReceiptTemplate.default)
    }
}
