public import BankGateCore
import BankGateXML

/// BOC's answer to a sign-in (`b2e0001`).
public struct BOCSignInAnswer: Hashable, Sendable {
    /// `trn-b2e0001-rs/status`.
    public var status: BOCStatus
    /// `trn-b2e0001-rs/token`: the session's token, carried by every later request in `head/token`.
    public var token: String?
    /// `serverdt`: the bank's time, `YYYYMMDDHHMMSS`.
    public var serverTime: String?

    /// Signed in: a code of category ``BankCodeCategory/ok`` (`B001`) in the adapter's table,
    /// with a token.
    public var isSignedIn: Bool
}

extension BOCAdapter {
    /// China Standard Time (UTC+8), the zone of `custdt`.
    static let chinaOffsetMilliseconds: Int64 = 8 * 3_600_000

    /// Writes a sign-in (`b2e0001`, 签到): `custdt` (the customer's time) and `oprpwd` (the
    /// operator's password); its `head` has no token. The answer's token is then passed to every
    /// other request.
    ///
    /// The bytes hold the operator's password: the caller must not archive or log them.
    /// - Parameters:
    ///   - operatorPassword: `oprpwd`, the password of ``operatorId``.
    ///   - customerTime: the time of the request, written as `custdt` `YYYYMMDDHHMMSS` in China
    ///     Standard Time (UTC+8).
    ///   - messageId: `trnid`, this message's number.
    public func encodeSignIn(operatorPassword: String, customerTime: Timestamp,
                             messageId: String) throws(AdapterError) -> EncodedMessage {
        var request = try BOCRequestWriter(code: "b2e0001", messageId: messageId, token: nil, adapter: self)
        let record = request.record
        request.open(record)
        try request.field("custdt", Self.chinaDateTime(customerTime), record: record, type: .digits, maxBytes: 14)
        try request.field("oprpwd", operatorPassword, record: record, type: .code, maxBytes: 64)
        request.close(record)
        return EncodedMessage(kind: "BOC.b2e0001", contentType: Self.contentType,
                              fileName: Self.fileName("b2e0001", messageId), bytes: request.finish())
    }

    /// Writes a sign-out (`b2e0002`, 签退) of the session `token`, with `custdt` as in the sign-in.
    public func encodeSignOut(token: String, customerTime: Timestamp, messageId: String) throws(AdapterError) -> EncodedMessage {
        var request = try BOCRequestWriter(code: "b2e0002", messageId: messageId, token: token, adapter: self)
        let record = request.record
        request.open(record)
        try request.field("custdt", Self.chinaDateTime(customerTime), record: record, type: .digits, maxBytes: 14)
        request.close(record)
        return EncodedMessage(kind: "BOC.b2e0002", contentType: Self.contentType,
                              fileName: Self.fileName("b2e0002", messageId), bytes: request.finish())
    }

    /// Reads the answer to a sign-in: its status and, when signed in, the token.
    /// - Throws: ``AdapterError`` for an unreadable answer or one that answers another transaction.
    public func decodeSignInAnswer(_ bytes: [UInt8]) throws(AdapterError) -> BOCSignInAnswer {
        let answer = try BOCAnswer.read(bytes)
        guard answer.transactionCode == "b2e0001" || answer.transactionCode == "b2eerror" else {
            throw AdapterError("answer to \(answer.transactionCode), not to the sign-in b2e0001", location: answer.result.name)
        }
        return BOCSignInAnswer(status: answer.status, token: answer.token, serverTime: answer.serverTime,
                               isSignedIn: answer.status.category(in: codes) == .ok && answer.token != nil)
    }

    /// Whether `answer` refuses its request because the session is not signed in or its token
    /// expired (a code of category ``BankCodeCategory/signInRequired`` on the envelope). A query
    /// answered so is sent again after a new sign-in; a payment is not: its status is asked.
    public func requiresSignIn(_ answer: [UInt8]) -> Bool {
        (try? BOCAnswer.read(answer))?.status.category(in: codes) == .signInRequired
    }

    /// `YYYYMMDDHHMMSS` of `time` in China Standard Time.
    static func chinaDateTime(_ time: Timestamp) -> String {
        String(time.adding(milliseconds: chinaOffsetMilliseconds).iso8601Seconds.unicodeScalars.filter { $0.value >= 0x30 && $0.value <= 0x39 })
    }
}
