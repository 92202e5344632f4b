public import BankGateCore

/// An adapter whose bank signs through a service of the bank's own client software (ICBC's
/// NetSafe Client sign port): the engine posts what ``signingServiceRequest(_:)`` gives to the
/// configured `sign_url` and hands what ``signature(fromSigningServiceAnswer:)`` reads to
/// ``BankAdapter/seal(_:signature:at:)``. The private key stays in the bank's client (a USB key or
/// an encryption card), never in bankgate.
public protocol SigningServiceAdapter: BankAdapter {
    /// The content type and body to post to the signing service for `message`.
    func signingServiceRequest(_ message: EncodedMessage) -> (contentType: String, body: [UInt8])
    /// The signature (or signed package) in the service's answer.
    func signature(fromSigningServiceAnswer body: [UInt8]) throws(AdapterError) -> [UInt8]
}
