import BankGateEngine
import Foundation
import XCTest

/// `bankgate messages render` reads its JSON array of payment requests with the intake scanner
/// (``PaymentRequestBody/parseList(json:)``) instead of `JSONDecoder`; the answers are the same.
final class PaymentListParsingTests: XCTestCase {
    func testPaymentListsMatchFoundation() {
        let valid = JSONParsingTests.valid
        let corpus = [
            "[\(valid)]", "[\(valid),\(valid),{}]", " [ \(valid) ] \n", "[]", "[null]", "[{},1]", "[{},\"x\"]",
            #"[{},{"creditor":{"name":7}}]"#, #"[{},{"amount":5}]"#, #"[{"creditor":[]}]"#, #"[{"creditor":null}]"#,
            #"{"payments":[]}"#, #"{}"#, #""text""#, "null", "1", "", "[", "[{}", "[{}]x",
        ] + JSONParsingTests.paymentCorpus.map { "[\($0)]" }
        for text in corpus {
            let bytes = Array(text.utf8)
            let expected = JSONParsingTests.viaFoundation([PaymentRequestBody].self, bytes)
            let actual = JSONParsingTests.viaScanner(bytes, PaymentRequestBody.parseList(json:))
            XCTAssertEqual(actual, expected, text)
        }
    }

    /// Strict where Foundation is lenient, as for the API's bodies: a trailing comma, a field given twice.
    func testTrailingCommasAndDuplicateFieldsAreRefused() {
        XCTAssertEqual(JSONParsingTests.viaScanner(Array(#"[{"amount":"1",}]"#.utf8), PaymentRequestBody.parseList(json:)),
                       .error(code: "malformed_json", field: nil))
        XCTAssertEqual(JSONParsingTests.viaScanner(Array(#"[{},{"amount":"1","amount":"2"}]"#.utf8), PaymentRequestBody.parseList(json:)),
                       .error(code: "duplicate_field", field: "[1].amount"))
    }
}
