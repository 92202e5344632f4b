public import Logging

/// The request a piece of work serves, as the log lines name it (issue 12): the API request's id
/// (`X-Request-Id`, or one generated at the door) and the payments concerned. Set as a task-local
/// value by the API for the request's handler and by a bank lane for its send or status query, so
/// every log line written meanwhile carries `request_id` and `payment_id` through
/// ``metadataProvider``, however deep the call.
public struct RequestTrace: Sendable, Hashable {
    public var requestId: String?
    public var paymentIds: [String]

    public init(requestId: String?, paymentIds: [String] = []) {
        self.requestId = requestId
        self.paymentIds = paymentIds
    }

    /// The trace of the work under way in this task, if any.
    @TaskLocal public static var current: RequestTrace?

    /// Adds `request_id` and `payment_id` (comma-separated) from ``current`` to every log line.
    public static let metadataProvider = Logger.MetadataProvider {
        guard let trace = RequestTrace.current else { return [:] }
        var metadata: Logger.Metadata = [:]
        if let requestId = trace.requestId { metadata["request_id"] = .string(requestId) }
        if !trace.paymentIds.isEmpty { metadata["payment_id"] = .string(trace.paymentIds.joined(separator: ",")) }
        return metadata
    }

    /// The longest `X-Request-Id` taken from a client; a longer or odd one is replaced by a generated id.
    public static let maxRequestIdLength = 128

    /// Whether a client's `X-Request-Id` is kept: 1 to 128 of `A-Z a-z 0-9 . _ : -` (nothing a log
    /// line or a header could be confused by).
    public static func isAcceptable(_ requestId: String) -> Bool {
        !requestId.isEmpty && requestId.utf8.count <= maxRequestIdLength && requestId.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x3A || byte == 0x2D
        }
    }

    /// A new request id, `req_…`.
    public static func generateRequestId() -> String { IdentifierFactory.make("req_") }
}
