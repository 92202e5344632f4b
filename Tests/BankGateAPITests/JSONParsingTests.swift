import BankGateEngine
import Foundation
import XCTest

/// The API parses bodies with its own scanner; these tests hold it to the same answers as
/// Foundation's `JSONDecoder` with the `Decodable` conformances, on valid and broken input.
final class JSONParsingTests: XCTestCase {
    /// What a decoder made of a body: the value, or the error's code and field.
    enum Outcome<T: Equatable>: Equatable {
        case value(T)
        case error(code: String, field: String?)
    }

    static func viaFoundation<T: Decodable & Equatable>(_ type: T.Type, _ text: [UInt8]) -> Outcome<T> {
        do {
            return .value(try JSONDecoder().decode(type, from: Data(text)))
        } catch let error as GatewayError {
            return .error(code: error.code.rawValue, field: error.field)
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, let inner = context.underlyingError as? GatewayError {
                return .error(code: inner.code.rawValue, field: inner.field)
            }
            let mapped = GatewayError.badRequest(decoding: error)
            return .error(code: mapped.code.rawValue, field: mapped.field)
        } catch {
            return .error(code: "unexpected", field: nil)
        }
    }

    static func viaScanner<T>(_ text: [UInt8], _ parse: (UnsafeRawBufferPointer) throws(GatewayError) -> T) -> Outcome<T> {
        let result = text.withUnsafeBytes { bytes in Result { () throws(GatewayError) -> T in try parse(bytes) } }
        switch result {
        case .success(let value): return .value(value)
        case .failure(let error): return .error(code: error.code.rawValue, field: error.field)
        }
    }

    static let valid = #"{"debtor_account":"acc-eur","amount":"1250.00","currency":"EUR","creditor":{"name":"Müller","account":"DE89370400440532013000","bank_code":"COBADEFFXXX"},"remittance_info":"Inv 1","end_to_end_id":"E2E-1","requested_execution_date":"2026-11-21"}"#

    static let paymentCorpus: [String] = [
        valid,
        " \n\t" + valid + "\r\n ",
        #"{"debtor_account":null,"amount":null,"creditor":null}"#,
        #"{}"#,
        #"{"remittance_info":"esc \" \\ \/ \b \f \n \r \t \u00fc \u4E2D \ud83d\ude00"}"#,
        #"{"remittance_info":"plain 中文 ü"}"#,
        #"{"creditor":{}}"#,
        #"{"creditor":{"name":"a","iban":"x"}}"#,
        #"{"zeta":1,"alpha":[1,{"b":null}],"amount":"1"}"#,
        #"{"urgency":1e5}"#, #"{"urgency":-0.5E-3}"#, #"{"urgency":0}"#, #"{"urgency":[true,false,null]}"#,
        #"{"amount":12.5}"#, #"{"amount":true}"#, #"{"amount":["1"]}"#, #"{"amount":{"v":"1"}}"#,
        #"{"purpose":"用途","priority":"urgent","category_purpose":"SALA","charge_bearer":"SHAR","same_bank":true,"creditor":{"bank_name":"b","bank_branch":"c","address":{"street":"s","town":"t","postal_code":"1","country":"CN","lines":["a","b"]}}}"#,
        #"{"same_bank":false,"creditor":{"address":{"lines":[]}}}"#, #"{"same_bank":null,"creditor":{"address":null}}"#,
        #"{"same_bank":"true"}"#, #"{"same_bank":1}"#, #"{"priority":1}"#, #"{"creditor":{"address":"x"}}"#,
        #"{"creditor":{"address":{"lines":"x"}}}"#, #"{"creditor":{"address":{"lines":["a",2]}}}"#,
        #"{"creditor":{"address":{"lines":[null]}}}"#, #"{"creditor":{"address":{"city":"x"}}}"#,
        #"{"creditor":{"address":{"country":7}}}"#,
        #"{"creditor":"Bob"}"#, #"{"creditor":[]}"#, #"{"creditor":{"name":7}}"#, #"{"creditor":{"bank_code":false}}"#,
        #"[]"#, #"[{"amount":"1"}]"#, #""text""#, #"null"#, #"123"#, #"true"#,
        "", " ", "{", "}", #"{"amount"}"#, #"{"amount":}"#, #"{"amount":"1"}x"#,
        #"{"amount":"1"}{}"#, #"{'amount':'1'}"#, #"{amount:"1"}"#, #"{"urgency":.5}"#, #"{"urgency":+1}"#,
        #"{"urgency":tru}"#, #"{"urgency":nul}"#, #"{"urgency":NaN}"#, #"{"amount":"1"#, #"{"amount":"\x"}"#, #"{"amount":"\u12"}"#,
        #"{"a":[,1]}"#, #"{"a" "b"}"#, #"{"a":1 "b":2}"#,
        "{\"amount\":\"a\u{01}b\"}", "{\"amount\":\"tab\tinside\"}",
    ]

    func testPaymentBodiesMatchFoundation() {
        for text in Self.paymentCorpus {
            let bytes = Array(text.utf8)
            let expected = Self.viaFoundation(PaymentRequestBody.self, bytes)
            let actual = Self.viaScanner(bytes, PaymentRequestBody.parse(json:))
            XCTAssertEqual(actual, expected, text)
        }
    }

    func testBatchBodiesMatchFoundation() {
        let corpus = [
            #"{"payments":[\#(Self.valid),\#(Self.valid)]}"#,
            #"{"payments":[]}"#, #"{}"#, #"{"payments":null}"#, #"{"payments":{}}"#, #"{"payments":"x"}"#,
            #"{"payments":[null]}"#, #"{"payments":[{},1]}"#, #"{"payments":[{},{"creditor":{"x":1}}]}"#,
            #"{"payments":[{},{"amount":5}]}"#, #"{"payments":[],"note":1}"#, #"{"payments":[}"#,
        ]
        for text in corpus {
            let bytes = Array(text.utf8)
            let expected = Self.viaFoundation(PaymentBatchBody.self, bytes)
            let actual = Self.viaScanner(bytes, PaymentBatchBody.parse(json:))
            XCTAssertEqual(actual, expected, text)
        }
    }

    /// Foundation lets these through (trailing commas, numbers it never decodes); RFC 8259 does not.
    func testScannerRefusesWhatIsNotStrictJSON() {
        let lenient = [#"{"amount":"1",}"#, #"{"urgency":01}"#, #"{"urgency":1.}"#, #"{"urgency":-}"#,
                       #"{"urgency":1e}"#, #"{"a":[1,]}"#]
        let refused: [[UInt8]] = lenient.map { Array($0.utf8) } + [
            Array(#"{"amount":"\ud800"}"#.utf8),            // lone high surrogate
            Array(#"{"amount":"\udc00"}"#.utf8),            // lone low surrogate
            Array(#"{"amount":"\ud800\u0041"}"#.utf8),      // high surrogate then not a low one
            [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D], // {"a":"<invalid UTF-8>"}
            Array(String(repeating: "[", count: 600).utf8) + Array(String(repeating: "]", count: 600).utf8),
        ]
        for bytes in refused {
            XCTAssertEqual(Self.viaScanner(bytes, PaymentRequestBody.parse(json:)), .error(code: "malformed_json", field: nil),
                           String(decoding: bytes, as: UTF8.self))
        }
    }

    func testDuplicateFieldsAreRefused() {
        let bytes = Array(#"{"amount":"1.00","currency":"EUR","amount":"1000.00"}"#.utf8)
        XCTAssertEqual(Self.viaScanner(bytes, PaymentRequestBody.parse(json:)), .error(code: "duplicate_field", field: "amount"))
        let nested = Array(#"{"creditor":{"name":"a","name":"b"}}"#.utf8)
        XCTAssertEqual(Self.viaScanner(nested, PaymentRequestBody.parse(json:)),
                       .error(code: "duplicate_field", field: "creditor.name"))
    }

    func testEscapesDecode() {
        let bytes = Array(#"{"remittance_info":"\u00fc\ud83d\ude00\n\/"}"#.utf8)
        XCTAssertEqual(Self.viaScanner(bytes, PaymentRequestBody.parse(json:)),
                       .value(PaymentRequestBody(debtorAccount: nil, amount: nil, currency: nil, creditor: nil,
                                                 remittanceInfo: "ü😀\n/")))
    }
}
