/// Why a ZIP archive, or one of its members, was refused.
///
/// Every refusal names the member at fault when there is one, so that an operator can tell which
/// file of the bank's upload to look at: ``description`` reads like
/// `member "day2.xml": its CRC-32 is 1a2b3c4d, the archive says 5e6f7a8b`.
public struct ArchiveError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of refusal.
    public enum Code: String, Sendable, Hashable {
        /// The bytes are not a ZIP archive bankgate reads (no end of central directory, a multi-disk or
        /// ZIP64 archive, headers that point outside the file or into each other).
        case malformed
        /// More members than ``ZipArchive/Limits/maxMembers``.
        case tooManyMembers
        /// A member over ``ZipArchive/Limits/maxMemberBytes`` uncompressed, or members together over
        /// ``ZipArchive/Limits/maxTotalBytes``.
        case tooLarge
        /// A member that would inflate more than ``ZipArchive/Limits/maxRatio`` times its compressed
        /// size, or that inflates past the size the archive declares for it (a zip bomb).
        case compressionRatio
        /// A member that is itself an archive (ZIP, gzip, bzip2, 7-Zip, RAR, tar).
        case nestedArchive
        /// An encrypted member.
        case encrypted
        /// A compression method other than stored (0) and deflate (8).
        case unsupportedMethod
        /// A member name with a `..` component, an absolute path, a drive letter or a NUL byte.
        case unsafeName
        /// A member whose inflated bytes do not match the CRC-32 the archive gives.
        case checksumMismatch
        /// A member whose compressed data is corrupt or cut off.
        case corruptData
    }

    /// The kind of refusal.
    public var code: Code
    /// What is wrong, without the member.
    public var message: String
    /// The member at fault, as named in the archive.
    public var member: String?

    public init(_ code: Code, _ message: String, member: String? = nil) {
        self.code = code
        self.message = message
        self.member = member
    }

    public var description: String {
        member.map { "member \"\($0)\": \(message)" } ?? message
    }
}
