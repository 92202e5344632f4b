import BankGateXML
import XCTest

/// BankGateXML's pull reader on its own: it refuses hostile documents through ``XMLError``, and it
/// runs under the same hardening as ``HardenedXML``.
final class XMLPullReaderTests: XCTestCase {
    /// Reads `xml` to its end and returns the error, if any.
    private func refusal(_ xml: String, limits: XMLPullReader.Limits = XMLPullReader.Limits()) -> XMLError? {
        do {
            let reader = try XMLPullReader(feed: XMLInputFeed(bytes: Array(xml.utf8)), limits: limits)
            while try reader.next() != nil {}
            return nil
        } catch {
            return error
        }
    }

    func testReadsElementsTextAndLines() throws {
        let reader = try XMLPullReader(feed: XMLInputFeed(bytes: Array("<a xmlns=\"urn:t\">\n<b x=\"1\">hi</b></a>".utf8)),
                                       knownNames: ["b"])
        var seen: [String] = []
        while let event = try reader.next() {
            switch event {
            case .start(let name):
                seen.append("<\(reader.text(of: name))@\(reader.currentLine)")
                if name == XMLName(rawValue: 0) { XCTAssertEqual(reader.attribute("x"), "1") }
            case .text(let bytes):
                seen.append(String(decoding: bytes, as: UTF8.self))
            case .end:
                seen.append(">")
            }
        }
        XCTAssertEqual(seen, ["<a@1", "\n", "<b@2", "hi", ">", ">"])
        XCTAssertEqual(reader.namespaceURI, "urn:t")
    }

    func testRefusesDTDAndEntityDeclarations() {
        let documents = [
            "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ELEMENT a ANY>]>\n<a/>",
            "<!DOCTYPE a SYSTEM \"http://example.invalid/a.dtd\"><a/>",
            "<!DOCTYPE a [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><a>&xxe;</a>",
            "<!DOCTYPE a [<!ENTITY l0 \"ha\"><!ENTITY l1 \"&l0;&l0;\">]><a>&l1;</a>",
            "<?xml version=\"1.0\"?>\n\n<!ENTITY x \"y\">\n<a>&x;</a>",
        ]
        for document in documents {
            let error = refusal(document)
            XCTAssertEqual(error?.code, .dtdRefused, document)
            XCTAssertNotNil(error?.line, document)
        }
        XCTAssertEqual(refusal(documents[0])?.line, 2)
        XCTAssertEqual(refusal(documents[4])?.line, 3)
    }

    func testEntityReferenceWithoutDeclarationIsNeverExpanded() {
        let error = refusal("<a>&x;</a>")
        XCTAssertNotNil(error)
        XCTAssertTrue(error?.code == .dtdRefused || error?.code == .notWellFormed, "\(String(describing: error))")
    }

    func testRefusesOverDeepDocument() {
        let deep = String(repeating: "<a>\n", count: 9) + String(repeating: "</a>", count: 9)
        let error = refusal(deep, limits: XMLPullReader.Limits(maxDepth: 8))
        XCTAssertEqual(error?.code, .limitExceeded)
        XCTAssertEqual(error?.line, 9)
        XCTAssertNil(refusal(deep, limits: XMLPullReader.Limits(maxDepth: 9)))
    }

    func testRefusesOverLongTextAndNotWellFormedXML() {
        let long = "<a>" + String(repeating: "x", count: 100) + "</a>"
        XCTAssertEqual(refusal(long, limits: XMLPullReader.Limits(maxTextBytes: 64))?.code, .limitExceeded)
        XCTAssertEqual(refusal("<a>\n<b>\n</a>\n<c/>")?.code, .notWellFormed)
        XCTAssertEqual(refusal("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><a/>")?.code, .unsupportedEncoding)
    }

    func testDOMParseAndPullReaderShareTheHardenedOptions() {
        XCTAssertEqual(HardenedXML.options, XMLHardening.parserOptions)
        XCTAssertEqual(XMLPullReader.options, XMLHardening.pullParserOptions)
        // The pull reader only adds BIG_LINES; neither sets NOENT, DTDLOAD, DTDATTR or HUGE.
        XCTAssertEqual(XMLPullReader.options & HardenedXML.options, HardenedXML.options)
        XCTAssertEqual(HardenedXML.options & XMLHardening.forbiddenOptions, 0)
        XCTAssertEqual(XMLPullReader.options & XMLHardening.forbiddenOptions, 0)
        XCTAssertNotEqual(XMLHardening.forbiddenOptions, 0)
    }

    func testDOMParseRefusesTheSameDocuments() {
        for document in ["<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", "<!DOCTYPE a SYSTEM \"a.dtd\"><a/>"] {
            XCTAssertThrowsError(try HardenedXML.parse(Array(document.utf8))) { error in
                XCTAssertEqual((error as? XMLError)?.code, .dtdRefused, document)
            }
            XCTAssertEqual(refusal(document)?.code, .dtdRefused, document)
        }
    }
}
