import BankGateCore
import CCurlShim

extension TransportOutcome {
    /// Decides what one libcurl transfer proves about delivery. Exactly-once payment depends on
    /// this function alone: `.notSent` lets the engine send the same message again, so it is
    /// returned only when nothing can have reached the server; in doubt the answer is `.unknown`,
    /// which makes the engine ask the bank before sending again.
    ///
    /// "Request started" below is libcurl's pre-request callback (`CURLOPT_PREREQFUNCTION`):
    /// it runs once the connection, TLS included, is ready and right before the first request
    /// byte is written. Before it, no application byte has left the machine. A request on a
    /// reused connection is marked started too, so reuse cannot fool this.
    ///
    /// | libcurl result                                         | request started | outcome    |
    /// |--------------------------------------------------------|-----------------|------------|
    /// | body larger than the limit (transfer aborted)          | any             | unknown    |
    /// | `CURLE_OK` with an HTTP status                         | any             | answered   |
    /// | `CURLE_OK` without a status                            | any             | unknown    |
    /// | name not resolved (host or proxy)                      | no              | notSent    |
    /// | could not connect (refused, unreachable)               | no              | notSent    |
    /// | malformed URL, protocol not http(s)                    | no              | notSent    |
    /// | TLS handshake or certificate failure, local TLS setup  | no              | notSent    |
    /// | local setup failure (bad argument, handle not created) | no              | notSent    |
    /// | timeout                                                | no              | notSent    |
    /// | timeout                                                | yes             | unknown    |
    /// | any of the "no" rows above                             | yes             | unknown    |
    /// | send/receive error, server closed without answering,   | any             | unknown    |
    /// | partial answer, unparsable answer, anything else       |                 |            |
    init(_ report: CurlReport, maximumResponseBytes: Int) {
        let detail = report.message.isEmpty ? "libcurl error \(report.code)" : report.message
        if report.responseTooLarge {
            self = .unknown("answer larger than \(maximumResponseBytes) bytes; transfer aborted")
            return
        }
        let code = report.curlCode
        if code == CURLE_OK {
            self = report.status > 0
                ? .answered(status: report.status, body: report.body)
                : .unknown("transfer ended without an HTTP status")
            return
        }
        guard Self.failsBeforeSending.contains(report.code) else {
            self = .unknown("request may have reached the server: \(detail)")
            return
        }
        self = report.requestStarted
            ? .unknown("request may have reached the server: \(detail)")
            : .notSent(detail)
    }

    /// Failures that libcurl reports only before a request is written. They prove nothing was
    /// sent when, in addition, the request had not started (a timeout can strike at any stage).
    private static let failsBeforeSending: Set<UInt32> = Set([
        CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT,
        CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL,
        CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
        CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CRL_BADFILE,
        CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_ENGINE_NOTFOUND,
        CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
        CURLE_FAILED_INIT, CURLE_BAD_FUNCTION_ARGUMENT, CURLE_UNKNOWN_OPTION, CURLE_NOT_BUILT_IN,
        CURLE_OPERATION_TIMEDOUT,
    ].map(\.rawValue))
}
