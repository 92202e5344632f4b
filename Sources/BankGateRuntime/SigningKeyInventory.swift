public import BankGateConfig
public import BankGateCore
public import BankGateCrypto
import Foundation

/// What one configured `[[keys]]` entry is: its certificate's facts, and whether it can sign.
public struct SigningKeyStatus: Sendable {
    /// The state `bankgate keys list` shows.
    public enum State: Sendable, Equatable {
        /// Valid, more than ``SigningKeyInventory/warningDays`` days left.
        case ok
        /// Valid, at most ``SigningKeyInventory/warningDays`` days left.
        case expiresSoon
        /// The certificate's notAfter has passed.
        case expired
        /// The certificate's notBefore has not come yet.
        case notYetValid
        /// The key or certificate cannot be read, or no passphrase opens it (the reason says which).
        case unreadable(String)
        /// The key is not the certificate's, or not of the configured algorithm.
        case mismatched(String)
    }

    /// How much `bankgate keys check` and start-up make of a state.
    public enum Severity: Int, Sendable, Comparable {
        case ok, warning, failure

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The configured entry.
    public let config: KeyConfig
    /// The key with its certificate, when both could be read and belong together.
    public let identity: SigningIdentity?
    /// The certificate's facts, when it could be read (also for a mismatched key).
    public let facts: CertificateFacts?
    /// The state at the time of the inspection.
    public let state: State
    /// Whole days from the inspection to notAfter (negative once expired); nil without a certificate.
    public let daysLeft: Int?
    /// The key of the same bank that has taken over from this one (its `valid_from` has passed).
    public let replacedBy: String?
    /// Whether this key's `valid_from` is still to come.
    public let isFutureKey: Bool
    /// What is wrong with how the key is kept though it works (a key file others may read): each
    /// makes an otherwise ok key a warning.
    public let notes: [String]

    /// `ok` for a usable key, `warning` for one to renew soon (or an expired key already replaced),
    /// `failure` for one the gateway must not start with.
    public var severity: Severity {
        let base = stateSeverity
        return base == .ok && !notes.isEmpty ? .warning : base
    }

    private var stateSeverity: Severity {
        switch state {
        case .ok: .ok
        case .expiresSoon: .warning
        case .expired: replacedBy == nil ? .failure : .warning
        case .notYetValid:
            // A key configured ahead of its rollover may hold a certificate that starts later,
            // as long as it starts by the time the key takes over.
            if isFutureKey, let facts, let validFrom = config.validFrom, facts.notBefore <= validFrom { .ok } else { .failure }
        case .unreadable, .mismatched: .failure
        }
    }

    /// `ok`, `expires soon`, `expired`, `not yet valid`, `unreadable: …`, `mismatched: …`.
    public var stateText: String {
        switch state {
        case .ok: "ok"
        case .expiresSoon: "expires soon"
        case .expired: replacedBy.map { "expired (replaced by \($0))" } ?? "expired"
        case .notYetValid: "not yet valid"
        case .unreadable(let reason): "unreadable: \(reason)"
        case .mismatched(let reason): "mismatched: \(reason)"
        }
    }

    /// Where the key is: `file`, `pkcs12`, or `pkcs11:` and the token's label (`pkcs11:bank-token`).
    public var materialText: String { Self.materialText(config.material) }

    /// ``materialText`` of `material`.
    public static func materialText(_ material: KeyConfig.Material) -> String {
        switch material {
        case .pem: "file"
        case .pkcs12: "pkcs12"
        case .pkcs11(let uri, _, _): "pkcs11:" + (PKCS11URI.attribute("token", of: uri) ?? "?")
        }
    }

    /// One line for an operator: `key k1 (bank b1): expired on 2026-01-01T00:00:00Z`.
    public var summary: String {
        var text = "key \(config.id) (bank \(config.bank)\(materialText.hasPrefix("pkcs11:") ? ", " + materialText : "")): "
        switch state {
        case .ok: text += "valid until \(facts?.notAfter.iso8601Seconds ?? "?")"
        case .expiresSoon: text += "expires on \(facts?.notAfter.iso8601Seconds ?? "?") (\(daysLeft ?? 0) days left)"
        case .expired: text += "expired on \(facts?.notAfter.iso8601Seconds ?? "?")" + (replacedBy.map { ", replaced by \($0)" } ?? "")
        case .notYetValid: text += "not valid before \(facts?.notBefore.iso8601Seconds ?? "?")"
        case .unreadable(let reason): text += "unreadable: \(reason)"
        case .mismatched(let reason): text += "mismatched: \(reason)"
        }
        return ([text] + notes).joined(separator: "; ")
    }
}

/// Loads and checks the configured signing keys: for `bankgate keys list|check` and at start-up.
///
/// Passphrases are read from the environment or their file, handed to OpenSSL and dropped; they are
/// never logged, printed or kept.
public enum SigningKeyInventory {
    /// A key whose certificate ends within this many days is reported (`expires soon`).
    public static let warningDays = 30

    /// Why the gateway refuses to start: every key that cannot be used.
    public struct StartRefusal: Error, CustomStringConvertible {
        /// The keys at fault.
        public var keys: [SigningKeyStatus]

        public var description: String {
            "cannot start with these signing keys:\n" + keys.map { "  " + $0.summary }.joined(separator: "\n")
        }
    }

    /// Every key of `keys` inspected at `now`; `environment` (the process's when nil) holds the
    /// `passphrase_env` variables.
    public static func inspect(_ keys: [KeyConfig], at now: Timestamp, environment: [String: String]? = nil) -> [SigningKeyStatus] {
        let environment = environment ?? ProcessInfo.processInfo.environment
        return keys.map { key in
            let replacement = keys.filter { other in
                other.bank == key.bank && other.id != key.id
                    && other.validFrom.map { $0 <= now && $0 > (key.validFrom ?? Timestamp(milliseconds: .min)) } == true
            }.max { ($0.validFrom ?? Timestamp(milliseconds: 0)) < ($1.validFrom ?? Timestamp(milliseconds: 0)) }
            return inspect(key, at: now, environment: environment, replacedBy: replacement?.id)
        }
    }

    /// Inspects `configuration`'s keys; throws ``StartRefusal`` when one must stop the start, and
    /// logs a warning for each key to renew.
    public static func checkForStart(_ configuration: BankGateConfiguration, at now: Timestamp, environment: [String: String]? = nil,
                                     warn: (SigningKeyStatus) -> Void) throws(StartRefusal) -> [SigningKeyStatus] {
        let statuses = inspect(configuration.keys, at: now, environment: environment)
        let failures = statuses.filter { $0.severity == .failure }
        guard failures.isEmpty else { throw StartRefusal(keys: failures) }
        statuses.filter { $0.severity == .warning }.forEach(warn)
        return statuses
    }

    private static func inspect(_ key: KeyConfig, at now: Timestamp, environment: [String: String], replacedBy: String?) -> SigningKeyStatus {
        let isFuture = key.validFrom.map { $0 > now } ?? false
        func status(_ state: SigningKeyStatus.State, identity: SigningIdentity? = nil, facts: CertificateFacts? = nil) -> SigningKeyStatus {
            let days = facts.map { Int(($0.notAfter.milliseconds - now.milliseconds).dividedRoundingDown(by: 86_400_000)) }
            return SigningKeyStatus(config: key, identity: identity, facts: facts, state: state, daysLeft: days,
                                    replacedBy: replacedBy, isFutureKey: isFuture, notes: identity == nil ? [] : storageNotes(key))
        }
        let loaded: (key: SigningKey, certificate: Certificate)
        do {
            loaded = try load(key, environment: environment)
        } catch {
            return status(.unreadable(error.description))
        }
        let facts = loaded.certificate.facts
        let expected: KeyAlgorithm = key.algorithm == .sm2SM3 ? .sm2 : .rsa
        guard loaded.key.algorithm == expected else {
            return status(.mismatched("the key is \(loaded.key.algorithm), algorithm is \(key.algorithm.rawValue)"), facts: facts)
        }
        let identity: SigningIdentity
        do {
            identity = try SigningIdentity(key: loaded.key, certificate: loaded.certificate)
        } catch {
            return status(.mismatched(error.description), facts: facts)
        }
        let state: SigningKeyStatus.State
        if now < facts.notBefore {
            state = .notYetValid
        } else if now > facts.notAfter {
            state = .expired
        } else if facts.notAfter.milliseconds - now.milliseconds <= Int64(warningDays) * 86_400_000 {
            state = .expiresSoon
        } else {
            state = .ok
        }
        return status(state, identity: identity, facts: facts)
    }

    /// A note when the file holding the private key may be read by others than its owner.
    static func storageNotes(_ key: KeyConfig) -> [String] {
        let path: String
        switch key.material {
        case .pkcs12(let file): path = file
        case .pem(let privateKey, _): path = privateKey
        case .pkcs11: return []
        }
        var fileStatus = stat()
        guard stat(path, &fileStatus) == 0, fileStatus.st_mode & 0o077 != 0 else { return [] }
        return ["the key file \(path) may be read by others (mode \(String(fileStatus.st_mode & 0o777, radix: 8))); make it 0600"]
    }

    /// Why a key could not be loaded, in words that never include the passphrase.
    struct LoadFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Reads the key and its certificate as configured.
    static func load(_ key: KeyConfig, environment: [String: String]) throws(LoadFailure) -> (key: SigningKey, certificate: Certificate) {
        if case .pkcs11(let uri, let certificatePath, let module) = key.material {
            return try loadFromToken(uri: uri, certificatePath: certificatePath, module: module, pin: key.pin, environment: environment)
        }
        let passphrase = try passphrase(key.passphrase, environment: environment)
        switch key.material {
        case .pkcs12(let path):
            let bytes = try readFile(path, what: "PKCS#12 file")
            do {
                let identity = try SigningIdentity.pkcs12(bytes, passphrase: passphrase ?? [])
                return (identity.key, identity.certificate)
            } catch {
                throw LoadFailure(description: "\(path): \(error)")
            }
        case .pem(let keyPath, let certificatePath):
            let keyBytes = try readFile(keyPath, what: "private key file")
            let certificateBytes = try readFile(certificatePath, what: "certificate file")
            let signingKey: SigningKey
            do {
                signingKey = try SigningKey(pem: keyBytes, passphrase: passphrase)
            } catch {
                throw LoadFailure(description: "\(keyPath): \(error)")
            }
            do {
                guard let certificate = try Certificate.load(pem: certificateBytes).first else {
                    throw LoadFailure(description: "\(certificatePath): no certificate")
                }
                return (signingKey, certificate)
            } catch let error as CryptoError {
                throw LoadFailure(description: "\(certificatePath): \(error)")
            } catch let error as LoadFailure {
                throw error
            } catch {
                throw LoadFailure(description: "\(certificatePath): \(error)")
            }
        case .pkcs11:
            preconditionFailure("handled above")
        }
    }

    /// The key in the token at `uri`, logged in with the PIN from `pin_env`/`pin_file`, and its
    /// certificate from the PEM file. The PIN is handed to the engine and dropped.
    static func loadFromToken(uri: String, certificatePath: String, module: String?, pin: KeyConfig.Passphrase?,
                              environment: [String: String]) throws(LoadFailure) -> (key: SigningKey, certificate: Certificate) {
        guard let pinBytes = try passphrase(pin, environment: environment, names: ("pin_env", "PIN file")) else {
            throw LoadFailure(description: "\(uri): no PIN configured (pin_env or pin_file)")
        }
        let certificate = try readCertificate(certificatePath)
        do {
            return (try SigningKey.pkcs11(uri: uri, pin: pinBytes, module: module), certificate)
        } catch {
            throw LoadFailure(description: "\(uri): \(error)")
        }
    }

    /// The first certificate of the PEM file at `path`.
    static func readCertificate(_ path: String) throws(LoadFailure) -> Certificate {
        let bytes = try readFile(path, what: "certificate file")
        let certificates: [Certificate]
        do {
            certificates = try Certificate.load(pem: bytes)
        } catch {
            throw LoadFailure(description: "\(path): \(error)")
        }
        guard let first = certificates.first else { throw LoadFailure(description: "\(path): no certificate") }
        return first
    }

    /// The passphrase bytes, from the variable or the file; nil when none is configured.
    static func passphrase(_ source: KeyConfig.Passphrase?, environment: [String: String],
                           names: (variable: String, file: String) = ("passphrase_env", "passphrase file")) throws(LoadFailure) -> [UInt8]? {
        switch source {
        case nil:
            return nil
        case .environment(let variable):
            guard let value = environment[variable] else {
                throw LoadFailure(description: "the environment variable \(variable) (\(names.variable)) is not set")
            }
            guard !value.isEmpty else { throw LoadFailure(description: "the environment variable \(variable) (\(names.variable)) is empty") }
            return Array(value.utf8)
        case .file(let path):
            var bytes = try readFile(path, what: names.file, privateOnly: true)
            if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            guard !bytes.isEmpty else { throw LoadFailure(description: "the \(names.file) \(path) is empty") }
            return bytes
        }
    }

    /// ``PrivateFiles/contents(of:what:ownerOnly:followLinks:limit:)``, its failure as a load failure.
    static func readFile(_ path: String, what: String, privateOnly: Bool = false) throws(LoadFailure) -> [UInt8] {
        do {
            return try PrivateFiles.contents(of: path, what: what, ownerOnly: privateOnly)
        } catch {
            throw LoadFailure(description: error.description)
        }
    }
}

private extension Int64 {
    /// `self / divisor` rounded towards minus infinity.
    func dividedRoundingDown(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
