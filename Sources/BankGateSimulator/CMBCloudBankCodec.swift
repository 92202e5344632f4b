import BankGateAdapters
import BankGateCore
import BankGateCrypto
import Foundation

/// The bank side of CMB's cloud API: opens the form the gateway posts (`ALG=SM`, `DATA`, `UID`,
/// `FUNCODE`), decrypting `DATA` with the SM4 key and verifying the client's SM3withSM2 signature, and
/// writes answers the same way round: signed with the bank's key, encrypted, Base64.
enum CMBCloudBankCodec {
    /// `Content-Type` of every answer: Base64 text (or a plain `ErrMsg` refusal).
    static let contentType = "text/plain; charset=utf-8"

    /// A request that passed every check.
    struct Request: Sendable {
        /// `request.head.funcode` (equal to the form's `FUNCODE`).
        var function: String
        /// `request.head.reqid`.
        var requestId: String
        /// `request.body`.
        var body: JSONValue
    }

    /// Why a request was refused before anything was read from it: the bank's gateway answers these
    /// in plain text (`ErrMsg`), unsigned and unencrypted.
    struct Refusal: Error, Sendable {
        var message: String
    }

    /// Opens a posted form: the user id must be `userID`, `ALG` `SM`, `DATA` must decrypt under
    /// `keys.sm4Key` and carry a valid signature by `keys.clientKey`.
    static func open(_ bytes: [UInt8], userID: String, keys: CMBCloudKeyMaterial) throws(Refusal) -> Request {
        let form: ICBCBankCodec.Form
        do {
            form = try ICBCBankCodec.readForm(bytes)
        } catch {
            throw Refusal(message: "请求格式错误: \(error.message)")
        }
        func field(_ name: String) -> String? { form.fields[name].map { String(decoding: $0, as: UTF8.self) } }
        guard field("ALG") == "SM" else { throw Refusal(message: "不支持的算法 ALG") }
        guard field("UID") == userID else { throw Refusal(message: "用户不存在 UID") }
        let iv = Array(CMBCloudAdapter.sm2UserID(for: userID).utf8)
        guard let data = form.fields["DATA"], let ciphertext = base64Decode(data),
              let plaintext = try? SM4.decrypt(ciphertext, key: keys.sm4Key, mode: .cbc(iv: iv)),
              let document = try? JSONValue.parse(plaintext) else {
            throw Refusal(message: "解密失败 DATA")
        }
        guard let sigdat = document["signature"]?["sigdat"]?.stringValue, let raw = base64Decode(Array(sigdat.utf8)),
              let der = try? SM2Signature.der(fromRaw: raw),
              let placeholder = CMBCloudJSON.settingSignature(document, sigdat: CMBCloudAdapter.signaturePlaceholder),
              (try? keys.clientKey.isValidSignature(der, for: CMBCloudJSON.canonical(placeholder),
                                                     scheme: .sm2SM3(userID: CMBCloudAdapter.sm2UserID(for: userID)))) == true else {
            throw Refusal(message: "验签失败 signature")
        }
        guard let head = document["request"]?["head"], let function = head["funcode"]?.stringValue,
              function == field("FUNCODE"), head["userid"]?.stringValue == userID else {
            throw Refusal(message: "报文头错误 request.head")
        }
        return Request(function: function, requestId: head["reqid"]?.stringValue ?? "", body: document["request"]?["body"] ?? .object([]))
    }

    /// The plain-text refusal of CMB's gateway.
    static func refusal(_ message: String) -> [UInt8] {
        var writer = JSONWriter(capacity: 128)
        writer.beginObject()
        writer.field("ErrMsg", message)
        writer.endObject()
        return writer.bytes
    }

    /// A signed, encrypted answer: `response.head` (`bizcode`, `funcode`, `reqid`, `resultcode`,
    /// `resultmsg`, `rspid`, `userid`) and `body`, `signature.sigdat` the Base64 of `r ‖ s` by the bank's key.
    static func answer(function: String, requestId: String, resultCode: String, resultMessage: String = "",
                       body: JSONValue = .object([]), responseId: String, at time: Timestamp, userID: String,
                       keys: CMBCloudKeyMaterial) throws -> [UInt8] {
        func object(_ pairs: [(String, JSONValue)]) -> JSONValue { .object(pairs.map { JSONMember(key: $0.0, value: $0.1) }) }
        let head = object([("bizcode", .string("")), ("funcode", .string(function)), ("reqid", .string(requestId)),
                           ("resultcode", .string(resultCode)), ("resultmsg", .string(resultMessage)),
                           ("rspid", .string(responseId)), ("userid", .string(userID))])
        let unsigned = object([("response", object([("body", body), ("head", head)])),
                               ("signature", object([("sigdat", .string(CMBCloudAdapter.signaturePlaceholder)),
                                                     ("sigtim", .string(CMBBankCodec.chinaDateTime(time)))]))])
        let scheme = SignatureScheme.sm2SM3(userID: CMBCloudAdapter.sm2UserID(for: userID))
        let raw = try SM2Signature.raw(fromDER: try keys.bankKey.signature(for: CMBCloudJSON.canonical(unsigned), scheme: scheme))
        guard let signed = CMBCloudJSON.settingSignature(unsigned, sigdat: base64Encode(raw)) else {
            throw BankCodecError("cannot place the signature")
        }
        let ciphertext = try SM4.encrypt(CMBCloudJSON.canonical(signed), key: keys.sm4Key,
                                         mode: .cbc(iv: Array(CMBCloudAdapter.sm2UserID(for: userID).utf8)))
        return Array(base64Encode(ciphertext).utf8)
    }

    /// The text of `record.name`, `nil` when absent or empty.
    static func text(_ record: JSONValue?, _ name: String) -> String? {
        guard let record else { return nil }
        return CMBCloudAnswer.text(record, name)
    }

    static func base64Encode(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    static func base64Decode(_ bytes: [UInt8]) -> [UInt8]? {
        Data(base64Encoded: Data(bytes), options: .ignoreUnknownCharacters).map(Array.init)
    }
}
