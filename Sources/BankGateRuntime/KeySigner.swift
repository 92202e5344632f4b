import BankGateConfig
public import BankGateCore
import BankGateCrypto
public import BankGateStore

/// Where a ``KeySigner`` reads the life-cycle state of the keys at each signature: the store, so
/// that a key reported lost on one instance stops signing on every instance at once.
public protocol SigningKeyStates: Sendable {
    /// The recorded keys of `bankId`.
    func signingKeys(bankId: String?) async throws -> [SigningKeyRecord]
    /// Retires `replaced` now that `newKey`, which replaces it, signs; whether it was retired now.
    func completeKeyChange(replaced: String, by newKey: String, at: Timestamp) async throws -> Bool
    /// Records that `keyId` signed (`key.used`, audited): what, for which account, and the hash of
    /// the bytes signed.
    func recordKeyUse(keyId: String, details: String, at: Timestamp) async throws
}

extension PaymentStore: SigningKeyStates {
    public func recordKeyUse(keyId: String, details: String, at: Timestamp) async throws {
        try await appendAudit(at: at, actor: "system", action: "key.used", subject: ("key", keyId), details: details)
    }
}

/// Signs a bank's messages with its configured `[[keys]]`: the key in force at the time of signing,
/// so a new key configured with `valid_from` takes over without a restart (key rollover).
///
/// With the keys' life cycle (`states`, read at every signature) a key signs only while it is
/// bound, and only for the accounts it is bound to (``EncodedMessage/debtorAccountId``): the key
/// in force is the latest to take over among those that may sign for the message's account. When
/// none may (the key was reported lost or revoked, is not bound to the account, or its certificate
/// has expired), the ``SigningFailure`` holds the payments (``SigningFailure/holdsPayments``)
/// instead of failing them. A key that replaces another retires the other when it first signs.
///
/// Only keys that passed the start-up check are given to it.
public struct KeySigner: MessageSigner {
    /// One usable key of the bank.
    struct Candidate: Sendable {
        var id: String
        var identity: SigningIdentity
        var scheme: SignatureScheme
        var validFrom: Timestamp?
    }

    let bankId: String
    let candidates: [Candidate]
    let clock: any WallClock
    /// The life-cycle state; nil signs by configuration alone (`bankgate messages render`, tests).
    let states: (any SigningKeyStates)?

    /// The usable keys among `statuses` that belong to `bankId`; `nil` when it has none.
    init?(bankId: String, statuses: [SigningKeyStatus], clock: any WallClock, states: (any SigningKeyStates)? = nil) {
        let candidates = statuses.compactMap { status -> Candidate? in
            guard status.config.bank == bankId, let identity = status.identity else { return nil }
            let scheme: SignatureScheme = switch status.config.algorithm {
            case .rsaSHA256: .rsaPKCS1SHA256
            case .sm2SM3: status.config.sm2UserID.map { .sm2SM3(userID: $0) } ?? .sm2SM3
            }
            return Candidate(id: status.config.id, identity: identity, scheme: scheme, validFrom: status.config.validFrom)
        }
        guard !candidates.isEmpty else { return nil }
        self.bankId = bankId
        self.candidates = candidates
        self.clock = clock
        self.states = states
    }

    /// The key in force at `now`: of those whose `valid_from` has come and that `allowed` lets
    /// sign, the latest to take over.
    func keyInForce(at now: Timestamp, allowed: (Candidate) -> Bool = { _ in true }) -> Candidate? {
        candidates.filter { ($0.validFrom ?? Timestamp(milliseconds: .min)) <= now && allowed($0) }
            .max { ($0.validFrom ?? Timestamp(milliseconds: .min)) < ($1.validFrom ?? Timestamp(milliseconds: .min)) }
    }

    public func sign(_ message: EncodedMessage) async throws(SigningFailure) -> [UInt8] {
        let now = clock.now()
        let records = try await lifeCycleRecords()
        let account = message.debtorAccountId
        let notExpired = { (candidate: Candidate) in now <= candidate.identity.certificate.facts.notAfter }
        let mayUse = { (candidate: Candidate) in records.map { $0[candidate.id]?.signs(for: account) == true } ?? true }
        guard let key = keyInForce(at: now, allowed: { mayUse($0) && notExpired($0) }) else {
            throw SigningFailure(whyNoKey(at: now, account: account, records: records), holdsPayments: true)
        }
        if let states, let records {
            for replaced in records.values where replaced.replacedBy == key.id && (replaced.state == .bound || replaced.state == .issued) {
                _ = try? await states.completeKeyChange(replaced: replaced.id, by: key.id, at: now)
            }
        }
        let signature: [UInt8]
        do {
            signature = try key.identity.key.signature(for: message.bytes, scheme: key.scheme)
        } catch {
            throw SigningFailure("key \(key.id) could not sign: \(error)")
        }
        // Every use of a key is on the audit trail: a signature that cannot be recorded is not used
        // (a passing fault, retried).
        if let states {
            let details = "signed \(message.kind) \(message.fileName) for account \(account ?? "-"), "
                + "\(message.bytes.count) bytes, sha256 \(SHA256.hex(message.bytes))"
            do {
                try await states.recordKeyUse(keyId: key.id, details: details, at: now)
            } catch {
                throw SigningFailure("the use of key \(key.id) could not be audited: \(error)")
            }
        }
        return signature
    }

    /// The bank's keys' life-cycle records by id, read now; nil without `states`. A store that
    /// cannot be read is a passing fault (retried), not a hold.
    func lifeCycleRecords() async throws(SigningFailure) -> [String: SigningKeyRecord]? {
        guard let states else { return nil }
        do {
            return Dictionary(try await states.signingKeys(bankId: bankId).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        } catch {
            throw SigningFailure("cannot read the state of bank \(bankId)'s signing keys: \(error)")
        }
    }

    /// Why no key signs: the state of each key whose `valid_from` has come, the latest first.
    func whyNoKey(at now: Timestamp, account: String?, records: [String: SigningKeyRecord]?) -> String {
        let taken = candidates.filter { ($0.validFrom ?? Timestamp(milliseconds: .min)) <= now }
            .sorted { ($0.validFrom ?? Timestamp(milliseconds: .min)) > ($1.validFrom ?? Timestamp(milliseconds: .min)) }
        guard !taken.isEmpty else { return "bank \(bankId) has no signing key in force at \(now.iso8601Seconds)" }
        let reasons = taken.map { candidate -> String in
            let id = candidate.id
            if let records {
                guard let record = records[id] else { return "key \(id) is not recorded yet (not bound)" }
                if !record.signs(for: account) {
                    switch record.state {
                    case .bound: return "key \(id) is not bound to account \(account ?? "-")"
                    case .issued: return "key \(id) is issued but not bound"
                    case .lost: return "key \(id) was reported lost"
                    case .revoked: return "key \(id) is revoked"
                    case .retired: return "key \(id) is retired"
                    }
                }
            }
            let notAfter = candidate.identity.certificate.facts.notAfter
            return now > notAfter ? "the certificate of key \(id) expired on \(notAfter.iso8601Seconds)" : "key \(id) cannot sign"
        }
        return "no key of bank \(bankId) may sign" + (account.map { " for account \($0)" } ?? "") + ": "
            + reasons.joined(separator: "; ")
    }
}
