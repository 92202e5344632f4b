import BankGateEngine
import XCTest

/// The error codes are one closed list whose wire spellings stay what clients already read.
final class GatewayErrorCodeTests: XCTestCase {
    func testEveryCodeIsSpelledInSnakeCaseOnTheWire() {
        for code in GatewayError.Code.allCases {
            XCTAssertEqual("\(code)", code.rawValue, "interpolation shows the wire spelling")
            XCTAssertTrue(code.rawValue.allSatisfy { $0.isLowercase || $0 == "_" }, code.rawValue)
        }
        XCTAssertEqual(GatewayError.Code.idempotencyConflict.rawValue, "idempotency_conflict")
        XCTAssertEqual(GatewayError.Code.duplicateEndToEndId.rawValue, "duplicate_end_to_end_id")
        XCTAssertEqual(GatewayError.Code.storeUnavailable.rawValue, "store_unavailable")
    }

    func testTheDescriptionShowsTheWireCode() {
        let error = GatewayError(.validation, code: .invalidAmount, message: "amount must be positive", field: "amount")
        XCTAssertEqual(error.description, "invalid_amount: amount must be positive (amount)")
    }
}
