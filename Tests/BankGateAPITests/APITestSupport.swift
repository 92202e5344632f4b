import BankGateAPI
import BankGateConfig
import BankGateCore
import BankGateTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import XCTest

/// Bearer tokens used by the tests.
enum TestTokens {
    static let writer = "writer-token-0123456789"
    static let reader = "reader-token-0123456789"
    static let operatorToken = "operator-token-0123456789"
    static let feed = "feed-token-0123456789"
    /// Configured by its SHA-256 only (`printf %s hashed-token-0123456789abcdef | sha256sum`).
    static let hashed = "hashed-token-0123456789abcdef"
    static let hashedDigest = "d3af0778a1fb6ddef0b9b43dbd80f29d1b737ba942f1aca95368cb42eb5d9703"

    static let all: [TokenConfig] = [
        TokenConfig(name: "erp", secret: .plain(writer), scopes: [.paymentsWrite, .paymentsRead]),
        TokenConfig(name: "viewer", secret: .plain(reader), scopes: [.paymentsRead]),
        TokenConfig(name: "ops", secret: .plain(operatorToken), scopes: [.operate]),
        TokenConfig(name: "ledger", secret: .plain(feed), scopes: [.eventsRead]),
        TokenConfig(name: "hashed", secret: .sha256Hex(hashedDigest), scopes: [.paymentsWrite]),
    ]
}

/// The API over a ``FakeGateway``, driven in process through Hummingbird's router test client.
struct APIHarness {
    /// Today for the validator: 2026-11-20, 10:00 UTC.
    static let today = Timestamp(milliseconds: Timestamp.parseDate("2026-11-20")!.milliseconds + 36_000_000)

    let gateway = FakeGateway()
    var maxBodyBytes = 1_048_576

    func run(_ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let router = APIServer.makeRouter(gateway: gateway, tokens: TestTokens.all, maxBodyBytes: maxBodyBytes,
                                          clock: FixedClock(instant: Self.today))
        let app = Application(router: router)
        try await app.test(.router) { client in try await test(client) }
    }
}

/// A parsed answer: status, headers and the JSON body as Foundation objects.
struct JSONAnswer {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var json: [String: Any]

    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    var errorField: String? { (json["error"] as? [String: Any])?["field"] as? String }
    var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }
}

extension TestClientProtocol {
    /// Sends a request with an optional bearer token, idempotency key and body; parses the JSON answer.
    func call(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, key: String? = nil,
              body: String? = nil, headers extra: HTTPFields = [:],
              file: StaticString = #filePath, line: UInt = #line) async throws -> JSONAnswer {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
        if body != nil { headers[.contentType] = "application/json" }
        let response = try await execute(uri: uri, method: method, headers: headers,
                                         body: body.map { ByteBuffer(string: $0) })
        let data = Data(response.body.readableBytesView)
        let parsed = try JSONSerialization.jsonObject(with: data)
        guard let object = parsed as? [String: Any] else {
            XCTFail("answer is not a JSON object: \(String(decoding: data, as: UTF8.self))", file: file, line: line)
            return JSONAnswer(status: response.status, headers: response.headers, json: [:])
        }
        XCTAssertEqual(response.headers[.contentType], "application/json", file: file, line: line)
        return JSONAnswer(status: response.status, headers: response.headers, json: object)
    }
}

/// JSON bodies for payment requests.
enum Bodies {
    /// A valid single payment as a JSON object, with `changes` merged over it
    /// (`NSNull()` removes a key; nested dictionaries replace `creditor`).
    static func payment(_ changes: [String: Any] = [:]) -> [String: Any] {
        var object: [String: Any] = [
            "debtor_account": "acc-eur",
            "amount": "1250.00",
            "currency": "EUR",
            "creditor": ["name": "Müller GmbH", "account": "DE89370400440532013000", "bank_code": "COBADEFFXXX"],
            "remittance_info": "Invoice 4711",
            "end_to_end_id": "E2E-0001",
            "requested_execution_date": "2026-11-21",
        ]
        for (key, value) in changes {
            if value is NSNull { object[key] = nil } else { object[key] = value }
        }
        return object
    }

    /// A creditor object with `changes` merged over the valid one.
    static func creditor(_ changes: [String: Any]) -> [String: Any] {
        var object: [String: Any] = ["name": "Müller GmbH", "account": "DE89370400440532013000", "bank_code": "COBADEFFXXX"]
        for (key, value) in changes {
            if value is NSNull { object[key] = nil } else { object[key] = value }
        }
        return object
    }

    static func text(_ object: Any) -> String {
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
