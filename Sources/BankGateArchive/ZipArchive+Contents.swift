internal import CZlib

extension ZipArchive {
    /// The member's bytes: copied (stored) or inflated (deflate) into a buffer of its declared size,
    /// then checked against its CRC-32 and refused when they are an archive themselves.
    /// - Throws: ``ArchiveError`` naming the member.
    public func contents(of member: Member) throws(ArchiveError) -> [UInt8] {
        if let kind = Self.archiveKind(name: member.name) {
            throw ArchiveError(.nestedArchive, "archives inside the archive (\(kind)) are refused", member: member.name)
        }
        let data = bytes[member.dataOffset..<(member.dataOffset + member.compressedSize)]
        let output: [UInt8] = switch member.method {
        case 0: Array(data)
        default: try Self.inflate(data, size: member.uncompressedSize, member: member.name)
        }
        let crc = output.withUnsafeBufferPointer { buffer in
            UInt32(crc32(0, buffer.baseAddress, uInt(buffer.count)))
        }
        guard crc == member.crc32 else {
            throw ArchiveError(.checksumMismatch, "its CRC-32 is \(Self.hex(crc)), the archive says "
                                   + Self.hex(member.crc32), member: member.name)
        }
        if let kind = Self.archiveKind(output) {
            throw ArchiveError(.nestedArchive, "archives inside the archive (\(kind)) are refused", member: member.name)
        }
        return output
    }

    /// Raw inflate (no zlib header, window bits -15) into exactly `size` bytes: one byte more of
    /// output, or input that ends before the deflate stream does, refuses the member.
    static func inflate(_ data: ArraySlice<UInt8>, size: Int, member: String) throws(ArchiveError) -> [UInt8] {
        var stream = z_stream()
        guard bankgate_inflate_init2(&stream, -15) == Z_OK else {
            throw ArchiveError(.corruptData, "zlib could not start inflating", member: member)
        }
        defer { inflateEnd(&stream) }
        // One spare byte: output that reaches it is more than the archive declared.
        var output = [UInt8](repeating: 0, count: size + 1)
        let status: Int32 = data.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                return CZlib.inflate(&stream, Z_FINISH)
            }
        }
        let produced = Int(stream.total_out)
        if produced > size {
            throw ArchiveError(.compressionRatio, "it inflates past the \(size) bytes the archive declares (a zip bomb?)",
                               member: member)
        }
        switch status {
        case Z_STREAM_END:
            guard produced == size else {
                throw ArchiveError(.corruptData, "it inflates to \(produced) bytes, the archive declares \(size)",
                                   member: member)
            }
            guard stream.avail_in == 0 else {
                throw ArchiveError(.corruptData, "bytes follow the end of its compressed data", member: member)
            }
        case Z_BUF_ERROR:
            throw ArchiveError(.corruptData, "its compressed data is cut off", member: member)
        default:
            let reason = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
            throw ArchiveError(.corruptData, "its compressed data is corrupt: \(reason)", member: member)
        }
        output.removeLast()
        return output
    }

    /// The kind of archive `bytes` start with, if any.
    static func archiveKind(_ bytes: [UInt8]) -> String? {
        let signatures: [(bytes: [UInt8], kind: String)] = [
            ([0x50, 0x4B, 0x03, 0x04], "ZIP"), ([0x50, 0x4B, 0x05, 0x06], "ZIP"), ([0x50, 0x4B, 0x07, 0x08], "ZIP"),
            ([0x1F, 0x8B], "gzip"), (Array("BZh".utf8), "bzip2"), ([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C], "7-Zip"),
            (Array("Rar!".utf8), "RAR"), ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz"),
        ]
        if let match = signatures.first(where: { bytes.starts(with: $0.bytes) }) { return match.kind }
        // tar: "ustar" at offset 257.
        if bytes.count > 262, bytes[257..<262].elementsEqual("ustar".utf8) { return "tar" }
        return nil
    }

    /// The kind of archive a member's name announces, if any.
    static func archiveKind(name: String) -> String? {
        let lower = name.lowercased()
        for suffix in [".zip", ".gz", ".tgz", ".bz2", ".7z", ".rar", ".tar", ".xz"] where lower.hasSuffix(suffix) {
            return String(suffix.dropFirst())
        }
        return nil
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
