import BankGateCore
import XCTest

/// ``JSONValue`` parsing and ``JSONObjectReader``'s typed errors, which name the field at fault.
final class JSONObjectReaderTests: XCTestCase {
    private func parse(_ text: String) throws -> JSONValue {
        try JSONValue.parse(Array(text.utf8))
    }

    private func readError(_ body: () throws -> Void) -> JSONReadError? {
        do {
            try body()
            return nil
        } catch {
            return error as? JSONReadError
        }
    }

    func testValuesKeepNumbersAsWrittenAndMembersInOrder() throws {
        let value = try parse(#" {"b": -12.50e3, "a": [true, false, null, "x\u00e9"], "b": 0} "#)
        XCTAssertEqual(value, .object([
            JSONMember(key: "b", value: .number("-12.50e3")),
            JSONMember(key: "a", value: .array([.bool(true), .bool(false), .null, .string("xé")])),
            JSONMember(key: "b", value: .number("0")),
        ]))
        XCTAssertEqual(value["b"], .number("-12.50e3"))
        XCTAssertEqual(value["a"]?.arrayValue?.count, 4)
        XCTAssertNil(value["missing"])
    }

    func testSyntaxErrorsAreRefused() {
        for text in ["", "{", "[1,]", "01", "{\"a\":1} x", "\"\u{01}\"", "tru", "\"\\ud800\""] {
            XCTAssertThrowsError(try parse(text), text)
        }
        XCTAssertEqual(readError { _ = try JSONObjectReader.document(Array("{".utf8)) }, .malformed)
        XCTAssertEqual(JSONReadError.malformed.description, "the body is not valid JSON")
    }

    func testReaderNamesTheFieldAtFault() throws {
        let value = try parse(#"{"creditor": {"name": 3}, "list": [1]}"#)
        let object = try JSONObjectReader(value, path: "", knownKeys: ["creditor", "list"])
        let creditor = try XCTUnwrap(try object.object("creditor"))
        let wrong = readError { _ = try creditor.string("name") }
        XCTAssertEqual(wrong?.code, .wrongType)
        XCTAssertEqual(wrong?.path, "creditor.name")
        XCTAssertEqual(wrong?.description, "creditor.name must be a string")
        XCTAssertEqual(readError { _ = try object.array("creditor") }?.description, "creditor must be an array")
        XCTAssertEqual(try object.array("list"), [.number("1")])

        let unknown = readError { _ = try JSONObjectReader(value, path: "payments[2]", knownKeys: ["list"]) }
        XCTAssertEqual(unknown, JSONReadError.unknownField("payments[2].creditor"))
        XCTAssertEqual(unknown?.description, "payments[2].creditor is not a known field")

        let twice = try parse(#"{"a": "x", "a": null}"#)
        XCTAssertEqual(readError { _ = try JSONObjectReader(twice, path: "", knownKeys: ["a"]) }?.description,
                       "a is given more than once")
        XCTAssertEqual(readError { _ = try JSONObjectReader(.array([]), path: "") }?.description, "the body must be an object")
        XCTAssertNil(try JSONObjectReader(twice, path: "").member("missing"))
    }

    func testWriterWritesAValueBack() throws {
        let text = #"{"a":[1.50,true,null,"q\"/"],"b":{}}"#
        var writer = JSONWriter()
        writer.value(try parse(text))
        XCTAssertEqual(writer.text, text)
    }
}
