import BankGateAdapters
import Foundation
import XCTest
@testable import BankGateConfig

/// A small valid configuration that tests change one line at a time, and assertions on the
/// errors the changed file produces.
enum ConfigurationFixture {
    /// Line numbers are relied on by the tests: [server] 1, listen 2, data_dir 3, [[tokens]] 5,
    /// token 7, scopes 8, [[banks]] 10, transport 13, url 14, [[accounts]] 16, number 19.
    static let valid = """
        [server]
        listen = "127.0.0.1:8080"
        data_dir = "var"

        [[tokens]]
        name = "erp"
        token = "0123456789abcdef-erp"
        scopes = ["payments:write", "payments:read"]

        [[banks]]
        id = "sim"
        adapter = "iso20022"
        transport = "http"
        url = "http://127.0.0.1:9101"

        [[accounts]]
        id = "acme-eur"
        bank = "sim"
        number = "DE89370400440532013000"
        bank_code = "COBADEFFXXX"
        name = "ACME Trading GmbH"
        currency = "EUR"
        """

    /// `valid` with the first occurrence of `old` replaced by `new`.
    static func replacing(_ old: String, with new: String, in text: String = valid) -> String {
        guard let range = text.range(of: old) else {
            XCTFail("fixture has no \"\(old)\"")
            return text
        }
        return text.replacingCharacters(in: range, with: new)
    }

    /// `valid` with `extra` appended on new lines.
    static func appending(_ extra: String) -> String {
        valid + "\n" + extra + "\n"
    }
}

extension XCTestCase {
    /// Parses `text` as `test.toml` with base directory `/srv/bankgate`.
    func parseConfiguration(_ text: String) throws(ConfigurationError) -> BankGateConfiguration {
        try BankGateConfiguration.parse(text, fileName: "test.toml", baseDirectory: "/srv/bankgate")
    }

    /// Parses `text`, failing the test on an error.
    func validConfiguration(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> BankGateConfiguration? {
        do {
            return try parseConfiguration(text)
        } catch {
            XCTFail("refused: \(error)", file: file, line: line)
            return nil
        }
    }

    /// Asserts that `text` is refused with an error (the first or any other one) for `key`,
    /// at `line` when given, whose problem contains `fragment`; returns the whole error.
    @discardableResult
    func assertConfigurationError(_ text: String, key: String?, line: Int? = nil, _ fragment: String,
                                  file: StaticString = #filePath, sourceLine: UInt = #line) -> ConfigurationError? {
        do {
            _ = try parseConfiguration(text)
            XCTFail("accepted, expected an error for \(key ?? "nil")", file: file, line: sourceLine)
            return nil
        } catch {
            guard let match = error.allErrors.first(where: { $0.key == key && $0.problem.contains(fragment) }) else {
                XCTFail("no error for \(key ?? "nil") containing \"\(fragment)\" in:\n\(error)", file: file, line: sourceLine)
                return error
            }
            XCTAssertEqual(match.file, "test.toml", file: file, line: sourceLine)
            if let line { XCTAssertEqual(match.line, line, "line of \(match)", file: file, line: sourceLine) }
            if let key { XCTAssertTrue(error.description.contains(key), file: file, line: sourceLine) }
            return error
        }
    }
}
