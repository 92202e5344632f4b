import BankGateAdapters
import BankGateCore
import BankGateTransport

/// Signs through the signing service of a bank's client software (ICBC's NetSafe Client sign
/// port): one HTTP POST per message, as the adapter shapes it. A service that does not answer, or
/// answers without a signature, is a ``SigningFailure``: the message is not sent and is tried later.
struct SigningServiceSigner: MessageSigner {
    let url: String
    let adapter: any SigningServiceAdapter
    let client: HTTPClient

    init(url: String, adapter: any SigningServiceAdapter, timeoutMilliseconds: Int) {
        self.url = url
        self.adapter = adapter
        client = HTTPClient(timeoutMilliseconds: timeoutMilliseconds, maximumResponseBytes: 4 * 1024 * 1024)
    }

    func sign(_ message: EncodedMessage) async throws(SigningFailure) -> [UInt8] {
        let request = adapter.signingServiceRequest(message)
        let response: HTTPResponse
        do {
            response = try await client.send(method: "POST", url: url, headers: [("Content-Type", request.contentType)],
                                             body: request.body)
        } catch {
            throw SigningFailure("the signing service at \(url) did not answer: \(error)")
        }
        guard response.status == 200 else {
            throw SigningFailure("the signing service answered HTTP \(response.status)")
        }
        do {
            return try adapter.signature(fromSigningServiceAnswer: response.body)
        } catch {
            throw SigningFailure("the signing service's answer holds no signature: \(error)")
        }
    }
}
