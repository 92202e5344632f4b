public import BankGateCore

extension ISO20022Adapter {
    /// What an HTTP status code on a pain.001 submission means. The only place this is decided; the
    /// same table is in `adapters/iso20022/README.md`. Codes not listed are ``HTTPRule/unknown``.
    enum HTTPRule: Hashable, Sendable {
        /// The bank answers with a pain.002: apply it. Without a readable one, the outcome is unknown.
        case expectReport
        /// The bank refused before processing (busy, maintenance): send again later.
        case retryLater(String)
        /// The bank refused for good; a pain.002 with group status RJCT is kept as a report (it has the reason).
        case fatal(String, keepRejectionReport: Bool)
    }

    /// HTTP status → rule. Anything missing (500, 502, 504, other codes) means the bank may have
    /// processed the message: the outcome is unknown until a status query settles it.
    static let httpRules: [Int: HTTPRule] = [
        200: .expectReport,
        201: .expectReport,
        202: .expectReport,
        429: .retryLater("throttled by the bank (HTTP 429)"),
        503: .retryLater("bank unavailable or in maintenance (HTTP 503)"),
        400: .fatal("bad request (HTTP 400)", keepRejectionReport: true),
        401: .fatal("not authenticated (HTTP 401)", keepRejectionReport: true),
        403: .fatal("forbidden (HTTP 403)", keepRejectionReport: true),
        413: .fatal("message too large (HTTP 413)", keepRejectionReport: true),
        415: .fatal("unsupported media type (HTTP 415)", keepRejectionReport: true),
        422: .fatal("message refused (HTTP 422)", keepRejectionReport: true),
        404: .fatal("endpoint not found (HTTP 404): check the bank's URL", keepRejectionReport: false),
    ]

    /// Decides what the answer to a pain.001 submission means, from ``httpRules``. With
    /// `bank_certificate`, a report is only taken as one when the bank's signature on it is valid.
    public func disposition(httpStatus: Int, body: [UInt8]) -> SendDisposition {
        switch Self.httpRules[httpStatus] {
        case .expectReport:
            // An answer the bank's signature does not vouch for proves nothing: ask the bank.
            if let problem = answerSignatureProblem(body) { return .unknown(problem) }
            do {
                _ = try decodeStatusReport(body)
                return .report
            } catch {
                return .unknown("HTTP \(httpStatus) without a readable status report: \(error.message)")
            }
        case .retryLater(let reason):
            return .retryLater(reason)
        case .fatal(let reason, let keepRejectionReport):
            if keepRejectionReport, let report = try? decodeStatusReport(body), report.groupStatus == "RJCT" {
                return .report
            }
            return .fatal(reason)
        case nil:
            return .unknown("HTTP \(httpStatus): the bank may have processed the message")
        }
    }
}
