/// A ZIP archive held in memory, read from its central directory: bytes in, members out, nothing
/// ever written to disk.
///
/// ```swift
/// let archive = try ZipArchive(bytes: upload)
/// for member in archive.members {
///     let bytes = try archive.contents(of: member)   // inflated, size- and CRC-checked
/// }
/// ```
///
/// Opening the archive checks everything the central directory tells before a byte is inflated:
/// the number of members, each member's name (no `..`, no absolute path), that it is neither
/// encrypted nor compressed with anything but stored (0) or deflate (8), its declared sizes against
/// ``Limits`` (per member, in total, and the compression ratio), that its local header agrees with
/// the directory, and that no two members' data overlap. ``contents(of:)`` then inflates one member
/// into a buffer of exactly its declared size, so a member that lies about its size is refused as
/// soon as its output would pass that size, and checks the CRC-32 and that the member is not itself
/// an archive.
///
/// Not read (refused as ``ArchiveError/Code/malformed``): ZIP64 and multi-disk archives. Directory
/// entries (`name/`) are dropped from ``members``.
public struct ZipArchive: Sendable {
    /// Bounds on what an archive may unpack to.
    public struct Limits: Sendable, Hashable {
        /// Members, directory entries included.
        public var maxMembers: Int
        /// Uncompressed bytes of one member.
        public var maxMemberBytes: Int
        /// Uncompressed bytes of all members together.
        public var maxTotalBytes: Int
        /// The most a member may inflate relative to its compressed size …
        public var maxRatio: Int
        /// … once it is larger than this many bytes uncompressed (a small file may compress very well).
        public var ratioFloorBytes: Int

        public init(maxMembers: Int = 100, maxMemberBytes: Int = 64 << 20, maxTotalBytes: Int = 512 << 20,
                    maxRatio: Int = 200, ratioFloorBytes: Int = 1 << 20) {
            self.maxMembers = maxMembers
            self.maxMemberBytes = maxMemberBytes
            self.maxTotalBytes = maxTotalBytes
            self.maxRatio = maxRatio
            self.ratioFloorBytes = ratioFloorBytes
        }
    }

    /// One file in the archive, as its central directory describes it.
    public struct Member: Sendable, Hashable {
        /// The name as stored (`statements/day1.xml`); never written to disk by bankgate.
        public var name: String
        /// 0 (stored) or 8 (deflate).
        public var method: UInt16
        public var crc32: UInt32
        public var compressedSize: Int
        public var uncompressedSize: Int
        /// Where the member's compressed data starts in the archive.
        var dataOffset: Int

        /// A file archivers add that carries no content of the user's (`__MACOSX/…`, `.DS_Store`,
        /// `Thumbs.db`, `desktop.ini`): callers skip it.
        public var isSystemMetadata: Bool {
            let last = name.split(separator: "/").last.map(String.init) ?? name
            return name.hasPrefix("__MACOSX/") || [".DS_Store", "Thumbs.db", "desktop.ini"].contains(last)
        }
    }

    /// `PK\x03\x04`, the first local file header.
    public static let magic: [UInt8] = [0x50, 0x4B, 0x03, 0x04]

    /// Whether `prefix` starts like a ZIP archive.
    public static func isArchive(_ prefix: some Collection<UInt8>) -> Bool {
        prefix.starts(with: magic)
    }

    /// The file members in central directory order (directory entries dropped).
    public let members: [Member]
    let bytes: [UInt8]
    public let limits: Limits

    /// Reads and checks the central directory of `bytes`.
    /// - Throws: ``ArchiveError`` for the first member or structure at fault.
    public init(bytes: [UInt8], limits: Limits = Limits()) throws(ArchiveError) {
        self.bytes = bytes
        self.limits = limits
        let directory = try Self.endOfCentralDirectory(bytes)
        guard directory.count <= limits.maxMembers else {
            throw ArchiveError(.tooManyMembers, "the archive has \(directory.count) members, more than the "
                                   + "\(limits.maxMembers) accepted")
        }
        var members: [Member] = []
        var ranges: [(start: Int, end: Int, name: String)] = []
        var total = 0
        var offset = directory.offset
        for _ in 0..<directory.count {
            let (member, next, localStart) = try Self.centralEntry(bytes, at: offset, directoryEnd: directory.end)
            offset = next
            try Self.check(member, limits: limits)
            total += member.uncompressedSize
            guard total <= limits.maxTotalBytes else {
                throw ArchiveError(.tooLarge, "the members together are over the limit of \(limits.maxTotalBytes) "
                                       + "bytes uncompressed", member: member.name)
            }
            ranges.append((localStart, member.dataOffset + member.compressedSize, member.name))
            if !member.name.hasSuffix("/") { members.append(member) }
        }
        // Members whose data overlap inflate the same bytes several times (a zip bomb technique).
        ranges.sort { $0.start < $1.start }
        for (earlier, later) in zip(ranges, ranges.dropFirst()) where later.start < earlier.end {
            throw ArchiveError(.malformed, "its data overlaps member \"\(earlier.name)\"", member: later.name)
        }
        if let last = ranges.last, last.end > directory.offset {
            throw ArchiveError(.malformed, "its data runs into the central directory", member: last.name)
        }
        self.members = members
    }

    // MARK: - Structure

    /// The end of central directory record: where the directory starts, ends, and its entry count.
    private static func endOfCentralDirectory(_ bytes: [UInt8]) throws(ArchiveError)
        -> (offset: Int, end: Int, count: Int) {
        let fixed = 22
        guard isArchive(bytes), bytes.count >= fixed else {
            throw ArchiveError(.malformed, "the input is not a ZIP archive")
        }
        // The record ends the file, followed only by a comment of at most 65,535 bytes.
        var position = bytes.count - fixed
        let lowest = max(0, position - 0xFFFF)
        while position >= lowest {
            if read32(bytes, position) == 0x0605_4B50, position + fixed + Int(read16(bytes, position + 20)) == bytes.count {
                break
            }
            position -= 1
        }
        guard position >= lowest else {
            throw ArchiveError(.malformed, "the archive has no end of central directory (cut off?)")
        }
        let disk = read16(bytes, position + 4), directoryDisk = read16(bytes, position + 6)
        let onDisk = Int(read16(bytes, position + 8)), count = Int(read16(bytes, position + 10))
        let size = Int(read32(bytes, position + 12)), offset = Int(read32(bytes, position + 16))
        guard disk == 0, directoryDisk == 0, onDisk == count else {
            throw ArchiveError(.malformed, "multi-disk (split) archives are not read")
        }
        guard count != 0xFFFF, size != 0xFFFF_FFFF, offset != 0xFFFF_FFFF else {
            throw ArchiveError(.malformed, "ZIP64 archives are not read")
        }
        guard offset + size <= position else {
            throw ArchiveError(.malformed, "the central directory points outside the archive")
        }
        return (offset, offset + size, count)
    }

    /// The central directory entry at `offset`: the member, where the next entry starts, and where
    /// its local header starts.
    private static func centralEntry(_ bytes: [UInt8], at offset: Int,
                                     directoryEnd: Int) throws(ArchiveError) -> (Member, Int, Int) {
        guard offset + 46 <= directoryEnd, read32(bytes, offset) == 0x0201_4B50 else {
            throw ArchiveError(.malformed, "the central directory is damaged")
        }
        let flags = read16(bytes, offset + 8)
        let method = read16(bytes, offset + 10)
        let crc = read32(bytes, offset + 16)
        let compressed = Int(read32(bytes, offset + 20)), uncompressed = Int(read32(bytes, offset + 24))
        let nameLength = Int(read16(bytes, offset + 28)), extraLength = Int(read16(bytes, offset + 30))
        let commentLength = Int(read16(bytes, offset + 32))
        let localStart = Int(read32(bytes, offset + 42))
        let next = offset + 46 + nameLength + extraLength + commentLength
        guard next <= directoryEnd else { throw ArchiveError(.malformed, "the central directory is damaged") }
        let rawName = Array(bytes[(offset + 46)..<(offset + 46 + nameLength)])
        let name = String(decoding: rawName, as: UTF8.self)
        try checkName(rawName, name)
        if flags & 0x0001 != 0 || flags & 0x0040 != 0 || method == 99 {
            throw ArchiveError(.encrypted, "encrypted members are refused", member: name)
        }
        guard method == 0 || method == 8 else {
            throw ArchiveError(.unsupportedMethod, "compression method \(method) is not read (only stored and deflate)",
                               member: name)
        }
        guard compressed != 0xFFFF_FFFF, uncompressed != 0xFFFF_FFFF, localStart != 0xFFFF_FFFF else {
            throw ArchiveError(.malformed, "ZIP64 members are not read", member: name)
        }
        // The local header must name the same member; its data follows its own name and extra field.
        guard localStart + 30 <= bytes.count, read32(bytes, localStart) == 0x0403_4B50 else {
            throw ArchiveError(.malformed, "its local header is missing", member: name)
        }
        let localName = Int(read16(bytes, localStart + 26)), localExtra = Int(read16(bytes, localStart + 28))
        let dataOffset = localStart + 30 + localName + localExtra
        guard localName == nameLength, dataOffset + compressed <= bytes.count,
              bytes[(localStart + 30)..<(localStart + 30 + localName)].elementsEqual(rawName) else {
            throw ArchiveError(.malformed, "its local header does not match the central directory", member: name)
        }
        let member = Member(name: name, method: method, crc32: crc, compressedSize: compressed,
                            uncompressedSize: uncompressed, dataOffset: dataOffset)
        return (member, next, localStart)
    }

    /// Refuses names that would climb out of a directory if written: `..` components, absolute paths
    /// (`/x`, `\x`, `C:x`) and NUL bytes.
    private static func checkName(_ raw: [UInt8], _ name: String) throws(ArchiveError) {
        guard !raw.isEmpty, !raw.contains(0) else {
            throw ArchiveError(.unsafeName, "an empty name or a name with a NUL byte is refused", member: name)
        }
        let slash = UInt8(ascii: "/"), backslash = UInt8(ascii: "\\")
        let isLetter = raw.count >= 2 && raw[1] == UInt8(ascii: ":")
            && ((0x41...0x5A).contains(raw[0]) || (0x61...0x7A).contains(raw[0]))
        if raw[0] == slash || raw[0] == backslash || isLetter {
            throw ArchiveError(.unsafeName, "absolute paths are refused", member: name)
        }
        let components = raw.split(whereSeparator: { $0 == slash || $0 == backslash })
        if components.contains(where: { $0.elementsEqual([0x2E, 0x2E]) }) {
            throw ArchiveError(.unsafeName, "names with a \"..\" component are refused", member: name)
        }
    }

    /// The declared sizes against the limits, before anything is inflated.
    private static func check(_ member: Member, limits: Limits) throws(ArchiveError) {
        guard member.uncompressedSize <= limits.maxMemberBytes else {
            throw ArchiveError(.tooLarge, "\(member.uncompressedSize) bytes uncompressed is over the limit of "
                                   + "\(limits.maxMemberBytes) bytes", member: member.name)
        }
        if member.method == 0 && member.compressedSize != member.uncompressedSize {
            throw ArchiveError(.malformed, "a stored member whose sizes differ", member: member.name)
        }
        if member.uncompressedSize > limits.ratioFloorBytes
            && member.uncompressedSize / max(member.compressedSize, 1) >= limits.maxRatio {
            throw ArchiveError(.compressionRatio, "\(member.compressedSize) bytes would inflate to "
                                   + "\(member.uncompressedSize), more than \(limits.maxRatio) times (a zip bomb?)",
                               member: member.name)
        }
    }

    static func read16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    static func read32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(read16(bytes, offset)) | UInt32(read16(bytes, offset + 2)) << 16
    }
}
