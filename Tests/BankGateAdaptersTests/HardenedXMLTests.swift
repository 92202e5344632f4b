import BankGateXML
import Foundation
import XCTest

/// The XML layer on its own: tree building, refusal of hostile documents, the writer's escaping.
final class HardenedXMLTests: XCTestCase {
    func testParsesTreeWithNamespacesAttributesAndLines() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <p:Document xmlns:p="urn:test" xmlns:q="urn:other">
              <A x="1" q:y="2"> hello <![CDATA[<world>]]> </A>
              <B>one</B><B>two</B>
              <!-- comment -->
              <C><D>deep &amp; &#x4E2D;</D></C>
            </p:Document>
            """
        let root = try HardenedXML.parse(Array(xml.utf8))
        XCTAssertEqual(root.name, "Document")
        XCTAssertEqual(root.namespaceURI, "urn:test")
        XCTAssertEqual(root.children.count, 4)
        let a = try XCTUnwrap(root.child("A"))
        XCTAssertEqual(a.attributes, ["x": "1", "y": "2"])
        XCTAssertEqual(a.text, " hello <world> ")
        XCTAssertEqual(a.trimmedText, "hello <world>")
        XCTAssertEqual(a.line, 3)
        XCTAssertNil(a.namespaceURI)
        XCTAssertEqual(root.children("B").map(\.text), ["one", "two"])
        XCTAssertEqual(root.descendant("C", "D")?.text, "deep & 中")
        XCTAssertNil(root.descendant("C", "X"))
        XCTAssertEqual(root.descendant("C", "D")?.line, 6)
    }

    func testNotWellFormedReportsLine() {
        let xml = "<a>\n<b>\n</a>"
        XCTAssertThrowsError(try HardenedXML.parse(Array(xml.utf8))) { error in
            let error = error as? XMLError
            XCTAssertEqual(error?.code, .notWellFormed)
            XCTAssertNotNil(error?.line)
        }
        XCTAssertThrowsError(try HardenedXML.parse([]))
        XCTAssertThrowsError(try HardenedXML.parse(Array("just text".utf8)))
        XCTAssertThrowsError(try HardenedXML.parse(Array("<a>&undefined;</a>".utf8)))
    }

    func testRefusesDTDsAndEntities() {
        let hostile = [
            "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ELEMENT a ANY>]>\n<a/>",
            "<!DOCTYPE a SYSTEM \"http://example.invalid/a.dtd\"><a/>",
            "<!DOCTYPE a [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><a>&xxe;</a>",
            "<!DOCTYPE a [<!ENTITY l0 \"ha\"><!ENTITY l1 \"&l0;&l0;\">]><a>&l1;</a>",
        ]
        for document in hostile {
            XCTAssertThrowsError(try HardenedXML.parse(Array(document.utf8)), document) { error in
                XCTAssertEqual((error as? XMLError)?.code, .dtdRefused, document)
                XCTAssertNotNil((error as? XMLError)?.line, "stopped by the SAX hook at <!DOCTYPE: \(document)")
            }
        }
    }

    func testRefusesOversizeBeforeParsing() {
        let xml = Array("<a>\(String(repeating: "x", count: 2000))</a>".utf8)
        XCTAssertThrowsError(try HardenedXML.parse(xml, maxBytes: 1000)) { error in
            XCTAssertEqual((error as? XMLError)?.code, .tooLarge)
        }
        XCTAssertNoThrow(try HardenedXML.parse(xml, maxBytes: 3000))
    }

    func testWriterEscapesAndIndents() throws {
        var writer = XMLWriter(indentation: 2)
        writer.declaration()
        writer.open("Root", attributes: ["a": "x\"y'<&>\tz"])
        writer.element("T", "a & b < c > d \" e ' f\r\n")
        writer.open("Mixed")
        writer.text("Müller 中文 \u{1}")
        writer.close("Mixed")
        writer.open("Empty")
        writer.close("Empty")
        writer.close("Root")
        let text = String(decoding: writer.bytes, as: UTF8.self)
        XCTAssertEqual(text, """
            <?xml version="1.0" encoding="UTF-8"?>
            <Root a="x&quot;y&apos;&lt;&amp;&gt;&#9;z">
              <T>a &amp; b &lt; c &gt; d &quot; e &apos; f&#13;
            </T>
              <Mixed>Müller 中文 \u{FFFD}</Mixed>
              <Empty></Empty>
            </Root>
            """)
        let root = try HardenedXML.parse(writer.bytes)
        XCTAssertEqual(root.attributes["a"], "x\"y'<&>\tz")
        XCTAssertEqual(root.child("T")?.text, "a & b < c > d \" e ' f\r\n")
    }

    func testCompactWriter() {
        var writer = XMLWriter()
        writer.open("a")
        writer.element("b", "1")
        writer.raw("<c/>")
        writer.close("a")
        XCTAssertEqual(String(decoding: writer.bytes, as: UTF8.self), "<a><b>1</b><c/></a>")
    }

    func testParsesConcurrently() {
        let good = Array("<a><b>1</b></a>".utf8)
        let bad = Array("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>".utf8)
        let broken = Array("<a><b></a>".utf8)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<200 {
                XCTAssertEqual((try? HardenedXML.parse(good))?.child("b")?.text, "1")
                XCTAssertNil(try? HardenedXML.parse(bad))
                XCTAssertNil(try? HardenedXML.parse(broken))
            }
        }
    }
}
