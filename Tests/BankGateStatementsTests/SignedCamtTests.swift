import BankGateCore
import Foundation
import XCTest
@testable import BankGateStatements

/// A bank's enveloped XML signature beside the camt message is skipped; other foreign elements at
/// that level are still refused.
final class SignedCamtTests: XCTestCase {
    static let signature = """
        <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:Reference URI=""><ds:DigestValue>AA==</ds:DigestValue>\
        </ds:Reference></ds:SignedInfo><ds:SignatureValue>AA==</ds:SignatureValue></ds:Signature>
        """

    func testAnEnvelopedSignatureIsSkipped() throws {
        let text = try String(contentsOfFile: Fixture.path("camt053_v08.xml"), encoding: .utf8)
        let plain = try parseText(text)
        let signed = try parseText(text.replacingOccurrences(of: "</Document>", with: Self.signature + "</Document>"))
        XCTAssertEqual(signed.transactions, plain.transactions)
        XCTAssertEqual(signed.ended.map(\.summary), plain.ended.map(\.summary))
    }

    func testAnotherForeignElementBesideTheMessageIsRefused() throws {
        let text = try String(contentsOfFile: Fixture.path("camt053_v08.xml"), encoding: .utf8)
        let other = Self.signature.replacingOccurrences(of: "ds:Signature", with: "ds:Object")
        XCTAssertThrowsError(try parseText(text.replacingOccurrences(of: "</Document>", with: other + "</Document>")))
    }
}
