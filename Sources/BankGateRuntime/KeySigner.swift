import BankGateConfig
public import BankGateCore
import BankGateCrypto

/// Signs a bank's messages with its configured `[[keys]]`: the key in force at the time of signing,
/// so a new key configured with `valid_from` takes over without a restart (key rollover).
///
/// Only keys that passed the start-up check are given to it; one whose certificate has expired since
/// is refused at signing time, and the message is not sent.
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

    /// The usable keys among `statuses` that belong to `bankId`; `nil` when it has none.
    init?(bankId: String, statuses: [SigningKeyStatus], clock: any WallClock) {
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
    }

    /// The key in force at `now`: of those whose `valid_from` has come, the latest to take over.
    func keyInForce(at now: Timestamp) -> Candidate? {
        candidates.filter { ($0.validFrom ?? Timestamp(milliseconds: .min)) <= now }
            .max { ($0.validFrom ?? Timestamp(milliseconds: .min)) < ($1.validFrom ?? Timestamp(milliseconds: .min)) }
    }

    public func sign(_ message: EncodedMessage) async throws(SigningFailure) -> [UInt8] {
        let now = clock.now()
        guard let key = keyInForce(at: now) else {
            throw SigningFailure("bank \(bankId) has no signing key in force at \(now.iso8601Seconds)")
        }
        let facts = key.identity.certificate.facts
        guard now <= facts.notAfter else {
            throw SigningFailure("the certificate of key \(key.id) expired on \(facts.notAfter.iso8601Seconds)")
        }
        do {
            return try key.identity.key.signature(for: message.bytes, scheme: key.scheme)
        } catch {
            throw SigningFailure("key \(key.id) could not sign: \(error)")
        }
    }
}
