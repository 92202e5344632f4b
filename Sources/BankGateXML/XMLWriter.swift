/// A fast XML writer that appends UTF-8 into a byte buffer, escaping text and attribute values.
///
/// Elements are written in the order the caller gives (schema order is the caller's job). With
/// `indentation > 0`, each element starts on its own line indented by its depth; text-only elements
/// stay on one line. The writer does not check that `open` and `close` match.
///
/// Characters that XML 1.0 cannot carry at all (C0 controls other than tab, LF and CR; U+FFFE, U+FFFF)
/// are written as U+FFFD so the output is always well-formed; callers validate text before writing it.
public struct XMLWriter: Sendable {
    /// The document so far.
    public private(set) var bytes: [UInt8]
    private let indentation: Int
    /// A newline followed by enough spaces for the usual depths, copied from instead of built each time.
    private let padding: [UInt8]
    private var depth = 0
    private var state = State.start

    private enum State { case start, opened, text, closed }

    /// Creates a writer.
    /// - Parameters:
    ///   - capacity: bytes to reserve up front.
    ///   - indentation: spaces per nesting level; 0 writes everything on one line.
    public init(capacity: Int = 4096, indentation: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
        self.indentation = indentation
        padding = [UInt8(ascii: "\n")] + [UInt8](repeating: UInt8(ascii: " "), count: 16 * indentation)
    }

    /// Writes `<?xml version="1.0" encoding="UTF-8"?>`.
    public mutating func declaration() {
        append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        state = .closed
    }

    /// Writes a start tag `<name a="v">`.
    public mutating func open(_ name: String, attributes: KeyValuePairs<String, String>) {
        newline()
        startTag(name, attributes)
        depth += 1
        state = .opened
    }

    /// Writes a start tag `<name>` (the attribute-free fast path).
    public mutating func open(_ name: String) {
        newline()
        bytes.append(UInt8(ascii: "<"))
        append(name)
        bytes.append(UInt8(ascii: ">"))
        depth += 1
        state = .opened
    }

    /// Writes an end tag `</name>`.
    public mutating func close(_ name: String) {
        depth -= 1
        if state == .closed { newline() }
        endTag(name)
        state = .closed
    }

    /// Writes `<name a="v">text</name>` with `text` escaped.
    public mutating func element(_ name: String, _ text: String, attributes: KeyValuePairs<String, String>) {
        newline()
        startTag(name, attributes)
        escape(text, inAttribute: false)
        endTag(name)
        state = .closed
    }

    /// Writes `<name>text</name>` with `text` escaped (the attribute-free fast path).
    public mutating func element(_ name: String, _ text: String) {
        newline()
        bytes.append(UInt8(ascii: "<"))
        append(name)
        bytes.append(UInt8(ascii: ">"))
        escape(text, inAttribute: false)
        endTag(name)
        state = .closed
    }

    /// Writes escaped text content.
    public mutating func text(_ s: String) {
        escape(s, inAttribute: false)
        state = .text
    }

    /// Writes `s` as is: the caller guarantees it is well-formed XML.
    public mutating func raw(_ s: String) {
        append(s)
        state = .text
    }

    // MARK: - Internals

    @inline(__always)
    private mutating func startTag(_ name: String, _ attributes: KeyValuePairs<String, String>) {
        bytes.append(UInt8(ascii: "<"))
        append(name)
        for (key, value) in attributes {
            bytes.append(UInt8(ascii: " "))
            append(key)
            bytes.append(UInt8(ascii: "="))
            bytes.append(UInt8(ascii: "\""))
            escape(value, inAttribute: true)
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: ">"))
    }

    @inline(__always)
    private mutating func endTag(_ name: String) {
        bytes.append(UInt8(ascii: "<"))
        bytes.append(UInt8(ascii: "/"))
        append(name)
        bytes.append(UInt8(ascii: ">"))
    }

    @inline(__always)
    private mutating func newline() {
        guard indentation > 0, state != .start else { return }
        let length = 1 + depth * indentation
        if length <= padding.count {
            padding.withUnsafeBufferPointer { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<length])) }
        } else {
            bytes.append(contentsOf: padding)
            for _ in padding.count..<length { bytes.append(UInt8(ascii: " ")) }
        }
    }

    @inline(__always)
    private mutating func append(_ s: String) {
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { bytes.append(contentsOf: $0) }
        if done == nil { bytes.append(contentsOf: s.utf8) }
    }

    @inline(__always)
    private mutating func escape(_ s: String, inAttribute: Bool) {
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { escape($0, inAttribute: inAttribute) }
        if done == nil { Array(s.utf8).withUnsafeBufferPointer { escape($0, inAttribute: inAttribute) } }
    }

    /// Copies `input`, replacing the characters XML needs escaped. Runs of plain bytes are copied in one go.
    private mutating func escape(_ input: UnsafeBufferPointer<UInt8>, inAttribute: Bool) {
        var runStart = 0
        var index = 0
        let count = input.count
        while index < count {
            let byte = input[index]
            // Everything that needs attention is at or below `>` (0x3E), or starts U+FFFE/U+FFFF (0xEF).
            if byte > 0x3E && byte != 0xEF {
                index += 1
                continue
            }
            var skip = 1
            let replacement: StaticString
            switch byte {
            case 0x26: replacement = "&amp;"
            case 0x3C: replacement = "&lt;"
            case 0x3E: replacement = "&gt;"
            case 0x22: replacement = "&quot;"
            case 0x27: replacement = "&apos;"
            case 0x0D: replacement = "&#13;"
            case 0x09 where inAttribute: replacement = "&#9;"
            case 0x0A where inAttribute: replacement = "&#10;"
            case 0x09, 0x0A:
                index += 1
                continue
            case 0xEF:
                guard index + 2 < count, input[index + 1] == 0xBF, input[index + 2] >= 0xBE else {
                    index += 1
                    continue
                }
                replacement = "\u{FFFD}"
                skip = 3
            case ..<0x20: replacement = "\u{FFFD}"
            default:
                index += 1
                continue
            }
            if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index])) }
            bytes.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
            index += skip
            runStart = index
        }
        if runStart < count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<count])) }
    }
}
