public import BankGateConfig
public import BankGateCore

/// An adapter whose bank's messages are signed with a key of ours: a `[[keys]]` entry for the bank
/// (in a file or a hardware token). The engine signs what ``BankAdapter/signable(_:)`` gives with
/// the bank's key in force and hands the signature to ``BankAdapter/seal(_:signature:at:)``.
///
/// What the signer returns: for `rsa-sha256` the PKCS#1 v1.5 signature, for `sm2-sm3` the DER
/// `SEQUENCE { r, s }` over SM3 with the key's SM2 user id. An adapter whose format writes the
/// signature differently (SM2 as `r ‖ s`, Base64) converts it in `seal`.
public protocol KeySigningAdapter: BankAdapter {
    /// The signature scheme the bank expects, the bank's `[[keys]]` must be of it; `nil` when this
    /// bank's messages are not signed (an ISO 20022 bank whose profile wants no signed files).
    var signingAlgorithm: KeyConfig.Algorithm? { get }
    /// The SM2 user id the bank's format requires of the `[[keys]]` entry (`sm2_user_id`), when it
    /// requires one (CMB cloud: the user id padded to 16); `nil` when any is accepted.
    var requiredSM2UserID: String? { get }
}

extension KeySigningAdapter {
    /// Any user id (the key's `sm2_user_id`, or the default).
    public var requiredSM2UserID: String? { nil }
}
