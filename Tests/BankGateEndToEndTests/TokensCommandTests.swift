import BankGateCore
import BankGateCrypto
import Foundation
import XCTest

/// `bankgate tokens hash` reads the token from standard input and prints the `token_sha256` that
/// authenticates it; a token the configuration would refuse exits with status 2.
final class TokensCommandTests: XCTestCase {
    private func hash(_ input: String) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try BankGateExecutable.path)
        process.arguments = ["tokens", "hash"]
        let stdin = Pipe(), out = Pipe(), err = Pipe()
        process.standardInput = stdin
        process.standardOutput = out
        process.standardError = err
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }

    /// The SHA-256 of `text` as coreutils' `sha256sum` computes it (what config/README.md offers
    /// instead of `bankgate tokens hash`).
    private func sha256sum(_ text: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        let stdin = Pipe(), out = Pipe()
        process.standardInput = stdin
        process.standardOutput = out
        try process.run()
        stdin.fileHandleForWriting.write(Data(text.utf8))
        try stdin.fileHandleForWriting.close()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(output.prefix(64))
    }

    func testTheHashIsTheTokensSHA256WithoutTheLineEnd() throws {
        let token = "ops-token-7f3a9c2e51d8"
        let expected = try sha256sum(token)
        XCTAssertEqual(expected.count, 64)
        // What the API compares a bearer token with: its SHA-256, once.
        XCTAssertEqual(expected, Hex.encode(SHA256.digest(Array(token.utf8))))
        let withNewline = try hash(token + "\n")
        XCTAssertEqual(withNewline.status, 0, withNewline.err)
        XCTAssertEqual(withNewline.out, expected + "\n")
        XCTAssertEqual(try hash(token).out, expected + "\n")
    }

    func testATokenTheConfigurationWouldRefuseExitsWith2() throws {
        let short = try hash("too-short\n")
        XCTAssertEqual(short.status, 2)
        XCTAssertTrue(short.err.contains("at least 16"), short.err)
        XCTAssertEqual(try hash("has a space in it, long enough\n").status, 2)
        XCTAssertEqual(try hash("").status, 2)
    }
}
