import XCTest
@testable import BankGateConfig

/// The TOML subset: every value type, comments, arrays over several lines, tables and arrays of
/// tables, and the line each value remembers.
final class TOMLParserTests: XCTestCase {
    private func parse(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> TOMLTable {
        do {
            return try TOMLParser.parse(text)
        } catch {
            XCTFail("unexpected error: \(error)", file: file, line: line)
            return TOMLTable(line: 0)
        }
    }

    private func kind(_ text: String, _ key: String = "v", file: StaticString = #filePath, line: UInt = #line) -> TOMLValue.Kind? {
        parse(text, file: file, line: line)[key]?.kind
    }

    func testBasicStringsAndEscapes() {
        XCTAssertEqual(kind(#"v = "hello world""#), .string("hello world"))
        XCTAssertEqual(kind(#"v = """#), .string(""))
        XCTAssertEqual(kind(#"v = "a\"b\\c\nd\te""#), .string("a\"b\\c\nd\te"))
        XCTAssertEqual(kind(#"v = "\b\f\r""#), .string("\u{8}\u{C}\r"))
        XCTAssertEqual(kind(#"v = "caf\u00E9 \u4E2D""#), .string("café 中"))
        XCTAssertEqual(kind(#"v = "\U0001F600""#), .string("😀"))
        XCTAssertEqual(kind("v = \"tab\there\""), .string("tab\there"))
        XCTAssertEqual(kind(#"v = "银企直联 # not a comment""#), .string("银企直联 # not a comment"))
    }

    func testLiteralStrings() {
        XCTAssertEqual(kind(#"v = 'C:\path\n'"#), .string(#"C:\path\n"#))
        XCTAssertEqual(kind("v = ''"), .string(""))
        XCTAssertEqual(kind(#"v = 'say "hi"'"#), .string(#"say "hi""#))
    }

    func testIntegers() {
        XCTAssertEqual(kind("v = 0"), .integer(0))
        XCTAssertEqual(kind("v = +42"), .integer(42))
        XCTAssertEqual(kind("v = -17"), .integer(-17))
        XCTAssertEqual(kind("v = -0"), .integer(0))
        XCTAssertEqual(kind("v = 1_048_576"), .integer(1_048_576))
        XCTAssertEqual(kind("v = 9223372036854775807"), .integer(Int.max))
        XCTAssertEqual(kind("v = -9223372036854775808"), .integer(Int.min))
    }

    func testBooleans() {
        XCTAssertEqual(kind("v = true"), .boolean(true))
        XCTAssertEqual(kind("v = false # comment"), .boolean(false))
    }

    func testArrays() {
        XCTAssertEqual(kind("v = []"), .array([]))
        let table = parse("v = [ \"a\", 'b' ,\"c\" ]\nw = [1, -2, 3_000]")
        XCTAssertEqual(table["v"]?.kind, .array([
            TOMLValue(.string("a"), line: 1), TOMLValue(.string("b"), line: 1), TOMLValue(.string("c"), line: 1),
        ]))
        XCTAssertEqual(table["w"]?.kind, .array([
            TOMLValue(.integer(1), line: 2), TOMLValue(.integer(-2), line: 2), TOMLValue(.integer(3000), line: 2),
        ]))
        XCTAssertEqual(kind("v = [[1, 2], []]"), .array([
            TOMLValue(.array([TOMLValue(.integer(1), line: 1), TOMLValue(.integer(2), line: 1)]), line: 1),
            TOMLValue(.array([]), line: 1),
        ]))
    }

    func testMultiLineArrayWithCommentsAndTrailingComma() {
        let text = """
            scopes = [   # opening comment
                "payments:write",
                # a whole-line comment
                "events:read", # trailing comment
            ]
            after = 1
            """
        let table = parse(text)
        guard case .array(let elements)? = table["scopes"]?.kind else { return XCTFail("not an array") }
        XCTAssertEqual(table["scopes"]?.line, 1)
        XCTAssertEqual(elements, [TOMLValue(.string("payments:write"), line: 2), TOMLValue(.string("events:read"), line: 4)])
        XCTAssertEqual(table["after"], TOMLValue(.integer(1), line: 6))
    }

    func testCommentsBlankLinesAndKeys() {
        let text = """
            # header comment

            bare_key-1 = 1   # trailing
            "quoted key" = 2
            'literal key' = 3
            "" = 4
            \t indented\t=\t5
            """
        let table = parse(text)
        XCTAssertEqual(table.keys, ["bare_key-1", "quoted key", "literal key", "", "indented"])
        XCTAssertEqual(table["bare_key-1"], TOMLValue(.integer(1), line: 3))
        XCTAssertEqual(table["indented"], TOMLValue(.integer(5), line: 7))
    }

    func testTablesAndArraysOfTablesRememberLines() {
        let text = """
            top = "root"

            [server]
            listen = "127.0.0.1:8080"

            [[banks]]
            id = "a"

            [ [not-an-array] ]
            """
        XCTAssertThrowsError(try TOMLParser.parse(text))

        let good = """
            top = "root"

            [server]
            listen = "127.0.0.1:8080"

            [[banks]]
            id = "a"

            [[banks]]  # second bank
            id = "b"
            [ "quoted table" ]
            """
        let root = parse(good)
        XCTAssertEqual(root.keys, ["top", "server", "banks", "quoted table"])
        guard case .table(let server)? = root["server"]?.kind else { return XCTFail("server is not a table") }
        XCTAssertEqual(server.line, 3)
        XCTAssertEqual(server["listen"], TOMLValue(.string("127.0.0.1:8080"), line: 4))
        guard case .tableArray(let banks)? = root["banks"]?.kind else { return XCTFail("banks is not an array of tables") }
        XCTAssertEqual(root["banks"]?.line, 6)
        XCTAssertEqual(banks.map(\.line), [6, 9])
        XCTAssertEqual(banks.map { $0["id"]?.kind }, [.string("a"), .string("b")])
        XCTAssertEqual(banks[1]["id"]?.line, 10)
        if case .table(let quoted)? = root["quoted table"]?.kind { XCTAssertTrue(quoted.isEmpty) } else { XCTFail("missing table") }
    }

    func testCRLFLineEndingsAndByteOrderMark() {
        let root = parse("\u{FEFF}a = 1\r\n# c\r\n\r\n[t]\r\nb = \"x\"\r\n")
        XCTAssertEqual(root["a"], TOMLValue(.integer(1), line: 1))
        guard case .table(let t)? = root["t"]?.kind else { return XCTFail("t is not a table") }
        XCTAssertEqual(t["b"], TOMLValue(.string("x"), line: 5))
    }

    func testEmptyDocument() {
        XCTAssertTrue(parse("").isEmpty)
        XCTAssertTrue(parse("# only a comment\n\n").isEmpty)
    }
}
