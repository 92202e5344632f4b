#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Chinese national encodings that domestic banks' front-end programs speak (GB2312, its
/// superset GBK, and theirs, GB18030), converted to and from UTF-8 with the C library's `iconv`.
///
/// Conversion refuses what the target cannot carry instead of substituting `?`: a name with an
/// emoji must fail at encoding time with the field named, not reach the bank as `上海?贸易`. Byte
/// lengths are counted in the target encoding, because the banks' limits (CMB `Z(62)`) are bytes
/// of GBK, where a Chinese character takes two.
public enum ChineseTextEncoding: String, Hashable, Sendable, CaseIterable {
    /// GBK (CP936): ASCII plus two-byte GB 2312 and extensions; what CMB's front-end declares.
    case gbk = "GBK"
    /// GB 2312 (EUC-CN): ASCII plus the 6 763 hanzi and symbols of GB 2312-80, two bytes each;
    /// what CCB's client declares. Characters GBK added (镕, 喆, most rare name characters) are
    /// refused, not written as GBK bytes under a GB2312 declaration.
    case gb2312 = "GB2312"
    /// GB18030: a superset of GBK that can carry every Unicode character in up to four bytes.
    /// Answers are read as GB18030 so that whatever a GBK-declared answer holds can be decoded.
    case gb18030 = "GB18030"

    /// Encodes `text` (from UTF-8) into this encoding.
    /// - Parameter field: the field the text is for, named in the error.
    /// - Throws: ``TextEncodingError`` naming `field` and the first character the encoding cannot
    ///   carry, or a control character (other than tab, LF, CR), which no bank field takes.
    public func encode(_ text: String, field: String) throws(TextEncodingError) -> [UInt8] {
        for scalar in text.unicodeScalars where scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r" {
            throw TextEncodingError(field: field, encoding: self, problem: .unrepresentable(scalar))
        }
        switch Self.convert(Array(text.utf8), from: "UTF-8", to: rawValue) {
        case .success(let bytes):
            return bytes
        case .failure(let failure):
            throw TextEncodingError(field: field, encoding: self, problem: .unrepresentable(Self.scalar(atUTF8Offset: failure.offset, in: text)))
        }
    }

    /// How many bytes `text` takes in this encoding (the unit of the banks' length limits).
    public func byteCount(_ text: String, field: String) throws(TextEncodingError) -> Int {
        try encode(text, field: field).count
    }

    /// Decodes bytes in this encoding into a string.
    /// - Throws: ``TextEncodingError`` with the byte offset of the first invalid sequence.
    public func decode(_ bytes: [UInt8], field: String) throws(TextEncodingError) -> String {
        switch Self.convert(bytes, from: rawValue, to: "UTF-8") {
        case .success(let utf8):
            return String(decoding: utf8, as: UTF8.self)
        case .failure(let failure):
            throw TextEncodingError(field: field, encoding: self, problem: .invalidBytes(offset: failure.offset))
        }
    }

    /// Converts with a descriptor opened for this one call (iconv descriptors carry shift state and
    /// are not safe to share between threads). On failure returns the input byte offset of the
    /// first sequence that could not be converted; a conversion iconv reports as irreversible (a
    /// substitution) is a failure too.
    static func convert(_ input: [UInt8], from source: String, to target: String) -> Result<[UInt8], ConversionFailure> {
        if input.isEmpty { return .success([]) }
        let descriptor = iconv_open(target, source)
        guard Int(bitPattern: descriptor) != -1, let descriptor else {
            return .failure(ConversionFailure(offset: 0))
        }
        defer { iconv_close(descriptor) }
        // GB18030 takes at most 4 bytes per character, UTF-8 at most 4 per scalar: 4× is always enough.
        var output = [UInt8](repeating: 0, count: input.count * 4 + 4)
        var inputCopy = input
        let outcome: (produced: Int, failedAt: Int?) = inputCopy.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                inBuffer.withMemoryRebound(to: CChar.self) { inChars in
                    outBuffer.withMemoryRebound(to: CChar.self) { outChars -> (produced: Int, failedAt: Int?) in
                        var inPointer: UnsafeMutablePointer<CChar>? = inChars.baseAddress
                        var inLeft = inChars.count
                        var outPointer: UnsafeMutablePointer<CChar>? = outChars.baseAddress
                        var outLeft = outChars.count
                        let result = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                        if result == -1 || inLeft != 0 { return (0, inChars.count - inLeft) }
                        if result > 0 { return (0, 0) }
                        return (outChars.count - outLeft, nil)
                    }
                }
            }
        }
        if let failedAt = outcome.failedAt { return .failure(ConversionFailure(offset: failedAt)) }
        return .success(Array(output[0..<outcome.produced]))
    }

    /// The scalar of `text` that starts at UTF-8 offset `offset` (the one iconv stopped at).
    private static func scalar(atUTF8Offset offset: Int, in text: String) -> Unicode.Scalar {
        var position = 0
        for scalar in text.unicodeScalars {
            if position >= offset { return scalar }
            position += UTF8.width(scalar)
        }
        return text.unicodeScalars.last ?? "\u{FFFD}"
    }

    /// The input offset at which a conversion failed.
    struct ConversionFailure: Error {
        var offset: Int
    }
}

/// Text that could not be converted, with the field it was for.
public struct TextEncodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Why the conversion failed.
    public enum Problem: Hashable, Sendable {
        /// A character the target encoding has no code for (an emoji in GBK), or a control character.
        case unrepresentable(Unicode.Scalar)
        /// Bytes that are not valid in the source encoding, at this offset.
        case invalidBytes(offset: Int)
    }

    /// The field the text was for, e.g. `DCOPDPAYX/CRTNAM`.
    public var field: String
    public var encoding: ChineseTextEncoding
    public var problem: Problem

    public init(field: String, encoding: ChineseTextEncoding, problem: Problem) {
        self.field = field
        self.encoding = encoding
        self.problem = problem
    }

    public var description: String {
        switch problem {
        case .unrepresentable(let scalar):
            let hex = String(scalar.value, radix: 16, uppercase: true)
            let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            return "\(field): character \(code) cannot be written in \(encoding.rawValue)"
        case .invalidBytes(let offset):
            return "\(field): invalid \(encoding.rawValue) bytes at offset \(offset)"
        }
    }
}
