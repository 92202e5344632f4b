import XCTest
@testable import BankGateConfig

/// Documents the parser refuses, each with the line of the problem and a message that says what.
final class TOMLParserErrorTests: XCTestCase {
    /// Asserts that `text` is refused at `line` with a message containing `fragment`.
    private func assertRefused(_ text: String, line: Int, _ fragment: String, file: StaticString = #filePath, sourceLine: UInt = #line) {
        do {
            let table = try TOMLParser.parse(text)
            XCTFail("accepted: \(table.keys)", file: file, line: sourceLine)
        } catch {
            XCTAssertEqual(error.line, line, "line of \(error)", file: file, line: sourceLine)
            XCTAssertTrue(error.message.contains(fragment), "\"\(error.message)\" lacks \"\(fragment)\"", file: file, line: sourceLine)
        }
    }

    func testUnterminatedStrings() {
        assertRefused("a = 1\nb = \"open\nc = 2", line: 2, "unterminated string")
        assertRefused("a = 1\n\nb = 'open", line: 3, "unterminated string")
        assertRefused("b = \"ends with escape\\", line: 1, "unterminated string")
        assertRefused("b = \"\"\"multi\nline\"\"\"", line: 1, "multi-line strings")
    }

    /// Found by fuzzing (Fuzz/Regressions/toml): the reader recursed once per `[` until the stack overflowed.
    func testDeeplyNestedArraysAreRefusedNotOverflowingTheStack() throws {
        assertRefused("a = 1\nb = " + String(repeating: "[", count: 65_536), line: 2, "arrays nested more than 32 deep")
        assertRefused("b = " + String(repeating: "[", count: 33) + String(repeating: "]", count: 33), line: 1, "nested more than 32")
        let root = try TOMLParser.parse("b = " + String(repeating: "[", count: 32) + "1" + String(repeating: "]", count: 32))
        XCTAssertNotNil(root["b"])
    }

    func testDuplicateKeys() {
        assertRefused("a = 1\nb = 2\na = 3", line: 3, "duplicate key \"a\" (first defined on line 1)")
        assertRefused("[t]\nx = 1\n\"x\" = 2", line: 3, "duplicate key \"x\"")
        assertRefused("[[t]]\nx = 1\nx = 2", line: 3, "duplicate key")
    }

    func testRepeatedKeysInSeparateArrayElementsAreFine() throws {
        let root = try TOMLParser.parse("[[t]]\nx = 1\n[[t]]\nx = 2")
        guard case .tableArray(let elements)? = root["t"]?.kind else { return XCTFail("no array of tables") }
        XCTAssertEqual(elements.count, 2)
    }

    func testBadIntegers() {
        assertRefused("a = 1\nn = 0123", line: 2, "leading zeros")
        assertRefused("n = 1__000", line: 1, "between two digits")
        assertRefused("n = 1000_", line: 1, "between two digits")
        assertRefused("n = _1000", line: 1, "strings need quotes")
        assertRefused("n = 9223372036854775808", line: 1, "out of range")
        assertRefused("n = 12abc", line: 1, "bad integer")
        assertRefused("n = 3.14", line: 1, "floating-point")
        assertRefused("n = 1e6", line: 1, "floating-point")
        assertRefused("n = inf", line: 1, "floating-point")
        assertRefused("n = 0x1F", line: 1, "only decimal")
        assertRefused("n = 1979-05-27", line: 1, "dates and times")
        assertRefused("n = 07:32:00", line: 1, "dates and times")
        assertRefused("n = yes", line: 1, "strings need quotes")
        assertRefused("n = True", line: 1, "booleans are true or false")
    }

    func testUnsupportedConstructsAreNamed() {
        assertRefused("a = { x = 1 }", line: 1, "inline tables")
        assertRefused("a.b = 1", line: 1, "dotted keys are not supported")
        assertRefused("[a.b]\nx = 1", line: 1, "dotted table names")
    }

    func testTableClashes() {
        assertRefused("[t]\nx = 1\n[u]\n[t]", line: 4, "already defined on line 1")
        assertRefused("[[t]]\n[t]", line: 2, "clashes with the array of tables")
        assertRefused("[t]\n[[t]]", line: 2, "already defined on line 1")
        assertRefused("t = 1\n[t]", line: 2, "clashes with the key")
        assertRefused("[t\nx = 1", line: 1, "expected ] to close")
        assertRefused("[[t]\nx = 1", line: 1, "expected ]] to close")
    }

    func testLineStructure() {
        assertRefused("a = 1 b = 2", line: 1, "unexpected 'b' after the value")
        assertRefused("a = \"x\" \"y\"", line: 1, "unexpected")
        assertRefused("a =\nb = 1", line: 1, "missing value")
        assertRefused("a = # nothing", line: 1, "missing value")
        assertRefused("a 1", line: 1, "expected = after the key")
        assertRefused("= 1", line: 1, "expected a key")
        assertRefused("a = 1\rb = 2", line: 1, "carriage return")
        assertRefused("[t] x = 1", line: 1, "after the table header")
        assertRefused("a = @", line: 1, "expected a value")
    }

    func testBadEscapesAndControlCharacters() {
        assertRefused(#"s = "bad \q escape""#, line: 1, #"unknown escape sequence \q"#)
        assertRefused(#"s = "\u12""#, line: 1, "4 hexadecimal digits")
        assertRefused(#"s = "\uD800""#, line: 1, "not a Unicode scalar value")
        assertRefused(#"s = "\U00110000""#, line: 1, "not a Unicode scalar value")
        assertRefused("s = \"bell\u{7}\"", line: 1, "control character U+0007")
        assertRefused("s = 'bell\u{7}'", line: 1, "control character")
        assertRefused("# comment with \u{7}", line: 1, "in a comment")
    }

    func testBadArrays() {
        assertRefused("a = [1, 2\nb = 3", line: 2, "expected , or ] in the array opened on line 1")
        assertRefused("a = [\n1,\n2,\n", line: 4, "unterminated array (opened on line 1)")
        assertRefused("a = [,]", line: 1, "expected a value before ,")
        assertRefused("a = [1,,2]", line: 1, "expected a value before ,")
    }
}
