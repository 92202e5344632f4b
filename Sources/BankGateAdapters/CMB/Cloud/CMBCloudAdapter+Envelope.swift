public import BankGateCore
import BankGateCrypto

/// An answer of CMB's cloud API after decryption and verification of the bank's signature.
public struct CMBCloudAnswer: Hashable, Sendable {
    /// `response.head.resultcode` (`SUC0000` for success).
    public var resultCode: String
    /// `response.head.resultmsg`, when not empty.
    public var resultMessage: String?
    /// `response.head.funcode`, when given.
    public var function: String?
    /// `response.body` (an empty object when absent).
    public var body: JSONValue

    /// The objects of the array `name` of the body (`bb1payopz1` …); empty when absent.
    public func records(_ name: String) -> [JSONValue] {
        body[name]?.arrayValue?.filter { $0.objectMembers != nil } ?? []
    }

    /// The text of `record.name`, `nil` when absent or empty.
    public static func text(_ record: JSONValue, _ name: String) -> String? {
        guard let text = record[name]?.stringValue ?? record[name].flatMap(numberText), !text.isEmpty else { return nil }
        return text
    }

    private static func numberText(_ value: JSONValue) -> String? {
        if case .number(let text) = value { return text }
        return nil
    }
}

extension CMBCloudAdapter {
    /// The document with `sigdat` set to the placeholder, in canonical form: what both sides sign.
    /// - Throws: ``AdapterError`` when `bytes` is not a JSON object with an object `signature`.
    static func signedText(_ bytes: [UInt8]) throws(AdapterError) -> (document: JSONValue, text: [UInt8]) {
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes)
        } catch {
            throw AdapterError("not JSON", location: "request")
        }
        guard let placeholder = CMBCloudJSON.settingSignature(document, sigdat: signaturePlaceholder) else {
            throw AdapterError("not a CMB cloud document (an object with an object signature)", location: "signature")
        }
        return (document, CMBCloudJSON.canonical(placeholder))
    }

    /// What our key signs: the request in canonical form with `sigdat` holding the placeholder.
    public func signable(_ message: EncodedMessage) throws(AdapterError) -> EncodedMessage {
        var signable = message
        signable.bytes = try Self.signedText(message.bytes).text
        return signable
    }

    /// The signed request before its SM4 encryption (the canonical JSON with `signature.sigdat`):
    /// what `bankgate messages render` writes. The engine sends ``seal(_:signature:at:)``'s form.
    public func sealedBeforeEncryption(_ message: EncodedMessage, signature: [UInt8]?,
                                       at time: Timestamp) throws(AdapterError) -> EncodedMessage {
        let (_, plaintext) = try signedRequest(message, signature: signature)
        return EncodedMessage(kind: message.kind, contentType: "application/json", fileName: message.fileName, bytes: plaintext)
    }

    /// The request's function code and its canonical signed text.
    private func signedRequest(_ message: EncodedMessage, signature: [UInt8]?) throws(AdapterError) -> (function: String, text: [UInt8]) {
        guard let signature else { throw AdapterError("every CMB cloud request is signed; this one has no signature") }
        let raw: [UInt8]
        do {
            raw = try SM2Signature.raw(fromDER: signature)
        } catch {
            throw AdapterError("the signature is not an SM2 signature (DER r, s): \(error)", location: "signature.sigdat")
        }
        let (document, _) = try Self.signedText(message.bytes)
        guard let function = document["request"]?["head"]?["funcode"]?.stringValue,
              let signed = CMBCloudJSON.settingSignature(document, sigdat: String(decoding: Base64.encode(raw), as: UTF8.self)) else {
            throw AdapterError("not a CMB cloud request (request.head.funcode)", location: "request.head")
        }
        return (function, CMBCloudJSON.canonical(signed))
    }

    /// Seals a signed request: `sigdat` = Base64 of the signature as `r ‖ s` (64 bytes; the signer
    /// gives DER), the whole document SM4-CBC encrypted (IV: the user id padded to 16), Base64, and
    /// the form `ALG=SM&DATA=…&UID=…&FUNCODE=…` (`INSPLAT` when a platform is configured).
    /// - Throws: ``AdapterError`` without a signature, for a signature that is not an SM2 DER
    ///   signature, or for a message that is not one of ours.
    public func seal(_ message: EncodedMessage, signature: [UInt8]?, at time: Timestamp) throws(AdapterError) -> EncodedMessage {
        let (function, plaintext) = try signedRequest(message, signature: signature)
        let ciphertext: [UInt8]
        do {
            ciphertext = try SM4.encrypt(plaintext, key: sm4Key, mode: .cbc(iv: initializationVector))
        } catch {
            throw AdapterError("SM4 encryption failed: \(error)", location: "DATA")
        }
        var fields: [(String, [UInt8])] = [("ALG", Array("SM".utf8)), ("DATA", Base64.encode(ciphertext)),
                                           ("UID", Array(userID.utf8)), ("FUNCODE", Array(function.utf8))]
        if let platform { fields.append(("INSPLAT", Array(platform.utf8))) }
        return EncodedMessage(kind: message.kind, contentType: Self.formContentType, fileName: message.fileName,
                              bytes: HTMLForm.encode(fields))
    }

    /// Opens an answer: Base64, SM4-CBC decryption, JSON, and the bank's SM3withSM2 signature in
    /// `signature.sigdat` (Base64 of `r ‖ s`) over the canonical answer with `sigdat` holding the
    /// placeholder, checked with the bank's public key and the same SM2 user id as ours.
    ///
    /// A plain-text answer (`ErrMsg …`, `CDCServer: …`: CMB's gateway refusing before the bank) is
    /// not signed, so it proves nothing and is refused here like any answer that fails a check.
    /// - Throws: ``AdapterError`` naming the check that failed; the answer is then not to be trusted.
    public func openAnswer(_ body: [UInt8]) throws(AdapterError) -> CMBCloudAnswer {
        guard body.count <= Self.maxAnswerBytes else {
            throw AdapterError("answer of \(body.count) bytes, over the limit of \(Self.maxAnswerBytes)", location: "DATA")
        }
        if body.firstRange(of: Array("ErrMsg".utf8)) != nil || body.starts(with: Array("CDCServer".utf8)) {
            let text = String(decoding: body.prefix(200), as: UTF8.self)
            throw AdapterError("an unsigned plain-text answer: \(text)", location: "ErrMsg")
        }
        guard let ciphertext = Base64.decode(body), !ciphertext.isEmpty else {
            throw AdapterError("the answer is not Base64", location: "DATA")
        }
        let plaintext: [UInt8]
        do {
            plaintext = try SM4.decrypt(ciphertext, key: sm4Key, mode: .cbc(iv: initializationVector))
        } catch {
            throw AdapterError("the answer cannot be decrypted with our SM4 key", location: "DATA")
        }
        let (document, signedText) = try Self.signedText(plaintext)
        guard let sigdat = document["signature"]?["sigdat"]?.stringValue,
              let raw = Base64.decode(Array(sigdat.utf8)), raw.count == SM2Signature.rawLength else {
            throw AdapterError("the answer carries no SM2 signature (64 bytes r ‖ s in Base64)", location: "signature.sigdat")
        }
        let valid: Bool
        do {
            valid = try bankPublicKey.isValidSignature(try SM2Signature.der(fromRaw: raw), for: signedText, scheme: signatureScheme)
        } catch {
            throw AdapterError("the answer's signature cannot be checked: \(error)", location: "signature.sigdat")
        }
        guard valid else {
            throw AdapterError("the answer's signature does not verify with the bank's public key", location: "signature.sigdat")
        }
        guard let response = document["response"], let head = response["head"],
              let resultCode = head["resultcode"]?.stringValue else {
            throw AdapterError("the answer has no response.head.resultcode", location: "response.head")
        }
        let message = head["resultmsg"]?.stringValue
        return CMBCloudAnswer(resultCode: resultCode, resultMessage: message?.isEmpty == false ? message : nil,
                              function: head["funcode"]?.stringValue, body: response["body"] ?? .object([]))
    }
}
