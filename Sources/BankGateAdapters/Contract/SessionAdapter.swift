public import BankGateCore

/// An adapter whose bank wants a signed-in session (BOC's `b2e0001` token): the engine signs in
/// with the password from the environment, puts the session's token in every message
/// (``withSession(_:token:)``) and signs in again when an answer says the session is gone
/// (``requiresNewSession(_:)``). A payment refused so is never sent again: its status is asked
/// under the new session.
public protocol SessionAdapter: BankAdapter {
    /// The sign-in request. It holds the password: it is sent, never archived or logged.
    func encodeSignIn(password: String, at time: Timestamp, messageId: String) throws(AdapterError) -> EncodedMessage
    /// The session's token from the sign-in's answer.
    func readSessionToken(_ answer: [UInt8]) throws(AdapterError) -> String
    /// `message` (encoded with ``sessionPlaceholder`` as its token) carrying `token`.
    func withSession(_ message: EncodedMessage, token: String) throws(AdapterError) -> EncodedMessage
    /// Whether `answer` refuses its request because the session is not signed in or expired.
    func requiresNewSession(_ answer: [UInt8]) -> Bool
}

extension SessionAdapter {
    /// What messages carry as their token until ``withSession(_:token:)`` puts the session's in.
    public static var sessionPlaceholder: String { "BANKGATE-SESSION" }
}
