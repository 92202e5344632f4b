import BankGateAdapters
import XCTest
@testable import BankGateSimulator

/// How every Chinese profile reads a request: the declaration whole and naming the bank's encoding,
/// the body strictly in it, within the size limit.
final class ChineseXMLRequestTests: XCTestCase {
    private func parse(_ bytes: [UInt8], maxBytes: Int = 4096) throws(BankCodecError) -> String {
        try ChineseXMLRequest.parse(bytes, maxBytes: maxBytes, encoding: .gbk, declarable: ["GBK", "GB2312", "CP936"],
                                    expected: "GBK", field: "request").name
    }

    func testAGBKRequestIsReadWithOrWithoutItsDeclaration() throws {
        let body = try ChineseTextEncoding.gbk.encode("<ap><Name>上海某某贸易有限公司</Name></ap>", field: "t")
        XCTAssertEqual(try parse(Array("<?xml version=\"1.0\" encoding = \"GBK\"?>".utf8) + body), "ap")
        XCTAssertEqual(try parse(body), "ap")
    }

    func testWhatTheBankWouldNotReadIsRefusedSayingWhy() throws {
        func refusal(_ bytes: [UInt8], maxBytes: Int = 4096) -> String {
            do {
                _ = try parse(bytes, maxBytes: maxBytes)
                return "read"
            } catch {
                return error.message
            }
        }
        XCTAssertEqual(refusal(Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ap/>".utf8)), "the request is not declared in GBK")
        XCTAssertEqual(refusal(Array("<?xml version=\"1.0\" encoding=\"GBK\"<ap/>".utf8)), "unterminated XML declaration")
        XCTAssertEqual(refusal(Array("<ap/>".utf8), maxBytes: 3), "request of 5 bytes is over the limit of 3 bytes")
        // A four-byte GB18030 sequence is not GBK.
        XCTAssertNotEqual(refusal(Array("<ap>".utf8) + [0x81, 0x30, 0x81, 0x30] + Array("</ap>".utf8)), "read")
        XCTAssertNotEqual(refusal(Array("<!DOCTYPE ap [<!ENTITY x \"y\">]><ap>&x;</ap>".utf8)), "read", "no DTD")
    }
}
