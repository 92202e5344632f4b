import CZlib

/// Writes ZIP archives for tests, including ones that lie: a wrong CRC, a declared size smaller than
/// the data, an encryption flag, an unsafe name.
public struct ZipBuilder {
    /// One member to write.
    public struct Entry {
        public var name: String
        public var bytes: [UInt8]
        /// Deflate (8) or stored (0).
        public var deflate: Bool
        /// Written instead of the real CRC-32.
        public var crcOverride: UInt32?
        /// Written instead of the real uncompressed size.
        public var sizeOverride: Int?
        /// The general purpose flags (bit 0: encrypted).
        public var flags: UInt16
        /// Written instead of 0 or 8.
        public var methodOverride: UInt16?

        public init(name: String, bytes: [UInt8], deflate: Bool = true, crcOverride: UInt32? = nil,
                    sizeOverride: Int? = nil, flags: UInt16 = 0, methodOverride: UInt16? = nil) {
            self.name = name
            self.bytes = bytes
            self.deflate = deflate
            self.crcOverride = crcOverride
            self.sizeOverride = sizeOverride
            self.flags = flags
            self.methodOverride = methodOverride
        }
    }

    public var entries: [Entry] = []

    public init(_ entries: [Entry] = []) {
        self.entries = entries
    }

    /// An archive of `members` (name, text), deflated.
    public static func archive(_ members: [(String, String)]) -> [UInt8] {
        ZipBuilder(members.map { Entry(name: $0.0, bytes: Array($0.1.utf8)) }).bytes()
    }

    /// The archive's bytes: local headers and data, the central directory, its end record.
    public func bytes() -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for entry in entries {
            let data = entry.deflate ? Self.deflate(entry.bytes) : entry.bytes
            let crc = entry.crcOverride ?? Self.crc32(entry.bytes)
            let size = UInt32(entry.sizeOverride ?? entry.bytes.count)
            let method: UInt16 = entry.methodOverride ?? (entry.deflate ? 8 : 0)
            let name = Array(entry.name.utf8)
            let offset = UInt32(out.count)
            var common: [UInt8] = []
            Self.put16(&common, 20)
            Self.put16(&common, entry.flags | 0x0800)
            Self.put16(&common, method)
            Self.put16(&common, 0)
            Self.put16(&common, 0x21)
            Self.put32(&common, crc)
            Self.put32(&common, UInt32(data.count))
            Self.put32(&common, size)
            Self.put16(&common, UInt16(name.count))
            Self.put16(&common, 0)
            Self.put32(&out, 0x0403_4B50)
            out += common + name + data
            Self.put32(&central, 0x0201_4B50)
            Self.put16(&central, 0x0314)
            central += common
            Self.put16(&central, 0) // comment
            Self.put16(&central, 0) // disk
            Self.put16(&central, 0) // internal attributes
            Self.put32(&central, 0) // external attributes
            Self.put32(&central, offset)
            central += name
        }
        let directoryOffset = UInt32(out.count)
        out += central
        Self.put32(&out, 0x0605_4B50)
        Self.put16(&out, 0)
        Self.put16(&out, 0)
        Self.put16(&out, UInt16(entries.count))
        Self.put16(&out, UInt16(entries.count))
        Self.put32(&out, UInt32(central.count))
        Self.put32(&out, directoryOffset)
        Self.put16(&out, 0)
        return out
    }

    /// Raw deflate (window bits -15), as ZIP stores it.
    public static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        precondition(bankgate_deflate_init2(&stream, 9, -15) == Z_OK)
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 16)
        var input = bytes
        let status = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                return CZlib.deflate(&stream, Z_FINISH)
            }
        }
        precondition(status == Z_STREAM_END)
        return Array(output.prefix(Int(stream.total_out)))
    }

    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, uInt($0.count))) }
    }

    static func put16(_ out: inout [UInt8], _ value: UInt16) {
        out.append(UInt8(value & 0xFF))
        out.append(UInt8(value >> 8))
    }

    static func put32(_ out: inout [UInt8], _ value: UInt32) {
        put16(&out, UInt16(value & 0xFFFF))
        put16(&out, UInt16(value >> 16))
    }
}
