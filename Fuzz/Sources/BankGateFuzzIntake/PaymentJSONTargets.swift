import BankGateCore
import BankGateEngine
public import BankGateFuzzTargets

/// The fuzz targets of the API's payment body reader, which lives in BankGateEngine: built apart
/// from ``FuzzTargets/decoders`` so that the decoders' fuzz build needs no engine.
public enum PaymentJSONTargets {
    /// `POST /v1/payments` and `POST /v1/payment-batches` bodies through the same entry points as the
    /// API (``PaymentRequestBody/parse(json:)``, ``PaymentBatchBody/parse(json:)``) and the array
    /// `bankgate messages render` reads (``PaymentRequestBody/parseList(json:)``), then the canonical
    /// form the idempotency fingerprint is made of. The outcome is the single payment's.
    public static let paymentJSON = FuzzTarget(name: "payment-json", summary: "payment request bodies (PaymentRequestBody.parse)") { bytes in
        var canonical: [UInt8] = []
        let list = bytes.withUnsafeBytes { raw in Result { () throws(GatewayError) in try PaymentRequestBody.parseList(json: raw) } }
        if case .success(let bodies) = list {
            for body in bodies { body.appendCanonicalForm(to: &canonical) }
        }
        let batch = bytes.withUnsafeBytes { raw in Result { () throws(GatewayError) in try PaymentBatchBody.parse(json: raw) } }
        if case .success(let body) = batch {
            for payment in body.payments ?? [] { payment.appendCanonicalForm(to: &canonical) }
        }
        let single = bytes.withUnsafeBytes { raw in Result { () throws(GatewayError) in try PaymentRequestBody.parse(json: raw) } }
        switch single {
        case .success(let body):
            body.appendCanonicalForm(to: &canonical)
            return .decoded
        case .failure(let error):
            return .refused(error.description)
        }
    }

    /// Every target of the payment body reader.
    public static let all: [FuzzTarget] = [paymentJSON]
}
