import BankGateCore
import Foundation
import XCTest

final class JSONWriterTests: XCTestCase {
    func testWriterEscapesAndNests() throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("text", "quote \" backslash \\ newline \n tab \t bell \u{7} é 中")
        writer.field("none", nil as String?)
        writer.field("count", -42)
        writer.key("list")
        writer.beginArray()
        writer.integer(1)
        writer.beginObject()
        writer.endObject()
        writer.beginArray()
        writer.endArray()
        writer.bool(true)
        writer.endArray()
        writer.endObject()
        let text = String(decoding: writer.bytes, as: UTF8.self)
        XCTAssertEqual(text, #"{"text":"quote \" backslash \\ newline \n tab \t bell \u0007 é 中","none":null,"count":-42,"list":[1,{},[],true]}"#)
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String: Any])
        XCTAssertEqual(parsed["text"] as? String, "quote \" backslash \\ newline \n tab \t bell \u{7} é 中")
    }

    /// Escapes at the ends of a string and next to each other, between runs copied whole.
    func testEscapesAtTheEdgesAndBetweenPlainRuns() throws {
        var writer = JSONWriter()
        writer.beginArray()
        writer.string("")
        writer.string("\"")
        writer.string("\u{7F}plain\r")
        writer.string("\\\\")
        writer.string("a\u{1}\u{1F}b")
        writer.string(String("xx é plain 中 yy".dropFirst(3).dropLast(3)))
        writer.endArray()
        XCTAssertEqual(String(decoding: writer.bytes, as: UTF8.self),
                       #"["","\"","\u007fplain\r","\\\\","a\u0001\u001fb","é plain 中"]"#)
    }
}
