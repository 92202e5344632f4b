@testable import BankGateAPI
import BankGateCrypto
import BankGateEngine
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import XCTest

final class BodyAndJSONTests: XCTestCase {
    /// A body streamed without `Content-Length` is refused once it passes the limit.
    func testStreamedBodyOverTheLimitIsRefusedWhileReading() async throws {
        let chunks = AsyncStream<ByteBuffer> { continuation in
            for _ in 0..<10 { continuation.yield(ByteBuffer(repeating: UInt8(ascii: "a"), count: 1000)) }
            continuation.finish()
        }
        let request = Request(head: HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/v1/payments"),
                              body: RequestBody(asyncSequence: chunks))
        do {
            _ = try await RequestBodyReader.collect(request, maxBytes: 2500)
            XCTFail("a 10,000-byte body passed a 2,500-byte limit")
        } catch let error as GatewayError {
            XCTAssertEqual(error.kind, .payloadTooLarge)
            XCTAssertEqual(error.code, .payloadTooLarge)
        }
    }

    func testBodyWithinTheLimitIsCollectedWhole() async throws {
        let chunks = AsyncStream<ByteBuffer> { continuation in
            for text in ["{\"a\":", "1}"] { continuation.yield(ByteBuffer(string: text)) }
            continuation.finish()
        }
        let request = Request(head: HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/"),
                              body: RequestBody(asyncSequence: chunks))
        let body = try await RequestBodyReader.collect(request, maxBytes: 7)
        XCTAssertEqual(String(buffer: body), "{\"a\":1}")
    }

    func testSHA256KnownVectors() {
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex([UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.parseHex(SHA256.hex(Array("abc".utf8))), SHA256.digest(Array("abc".utf8)))
        XCTAssertNil(SHA256.parseHex("zz"))
    }

    /// RFC 4231, test case 2, and the comparison used for tokens and webhook signatures.
    func testHMACSHA256KnownVectorAndConstantTimeComparison() {
        XCTAssertEqual(HMACSHA256.hex(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        XCTAssertTrue(ConstantTime.equal([1, 2, 3], [1, 2, 3]))
        XCTAssertFalse(ConstantTime.equal([1, 2, 3], [1, 2, 4]))
        XCTAssertFalse(ConstantTime.equal([1, 2, 3], [1, 2]))
    }

    func testBearerTokenParsing() {
        XCTAssertEqual(TokenAuthenticator.bearerToken("Bearer abc"), "abc")
        XCTAssertEqual(TokenAuthenticator.bearerToken("BEARER   abc  "), "abc")
        XCTAssertNil(TokenAuthenticator.bearerToken("Bearer "))
        XCTAssertNil(TokenAuthenticator.bearerToken("Basic abc"))
        XCTAssertNil(TokenAuthenticator.bearerToken("Bearerabc"))
    }
}
