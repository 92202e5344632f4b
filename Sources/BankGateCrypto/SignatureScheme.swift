/// The algorithm of a key.
public enum KeyAlgorithm: Sendable, Hashable, CustomStringConvertible {
    /// RSA (PKCS#1 keys; the banks use 2048 bits).
    case rsa
    /// SM2 on the recommended curve of GM/T 0003.5 (sm2p256v1).
    case sm2
    /// Any other type OpenSSL reads (for example an ECDSA P-256 certificate): listed, never signed with.
    case other(String)

    public var description: String {
        switch self {
        case .rsa: "RSA"
        case .sm2: "SM2"
        case .other(let name): name
        }
    }
}

/// How a message is signed: the key's algorithm, the digest and the parameters around them.
public enum SignatureScheme: Sendable, Hashable, CustomStringConvertible {
    /// RSA PKCS#1 v1.5 with SHA-256 ("SHA256withRSA").
    case rsaPKCS1SHA256
    /// RSA PKCS#1 v1.5 with SHA-1 ("SHA1withRSA"): legacy, only for a bank interface that still demands it.
    case legacyRSAPKCS1SHA1
    /// SM2 with SM3 ("SM3withSM2", GM/T 0003.2 and GM/T 0009): the digest covers Z_A, which binds the
    /// signer's user id (`userID`, the "distinguishing identifier") and public key.
    case sm2SM3(userID: [UInt8])

    /// SM2 with SM3 and the default user id of GM/T 0009, "1234567812345678".
    public static var sm2SM3: SignatureScheme { .sm2SM3(userID: SM2.defaultUserID) }

    /// SM2 with SM3 and `userID` as UTF-8 (for example a bank user id padded to 16 characters).
    public static func sm2SM3(userID: String) -> SignatureScheme { .sm2SM3(userID: Array(userID.utf8)) }

    /// The key algorithm the scheme needs.
    public var keyAlgorithm: KeyAlgorithm {
        switch self {
        case .rsaPKCS1SHA256, .legacyRSAPKCS1SHA1: .rsa
        case .sm2SM3: .sm2
        }
    }

    /// The digest the scheme signs.
    public var digest: DigestAlgorithm {
        switch self {
        case .rsaPKCS1SHA256: .sha256
        case .legacyRSAPKCS1SHA1: .legacySHA1
        case .sm2SM3: .sm3
        }
    }

    public var description: String {
        switch self {
        case .rsaPKCS1SHA256: "RSA-PKCS1-SHA256"
        case .legacyRSAPKCS1SHA1: "RSA-PKCS1-SHA1 (legacy)"
        case .sm2SM3(let userID): "SM2-SM3 (user id of \(userID.count) bytes)"
        }
    }
}

/// Constants of SM2 signatures.
public enum SM2 {
    /// The default user id of GM/T 0009-2012, used when a bank names none: "1234567812345678".
    public static let defaultUserID: [UInt8] = Array("1234567812345678".utf8)
}
