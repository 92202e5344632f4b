import BankGateEngine
import Hummingbird
import NIOCore

/// Reading and decoding request bodies within the configured size limit.
enum RequestBodyReader {
    /// Collects the body, refusing with `payload_too_large` as soon as it passes `maxBytes`: a
    /// declared `Content-Length` over the limit is refused before reading, and a streamed body
    /// is never buffered beyond the limit.
    static func collect(_ request: Request, maxBytes: Int) async throws -> ByteBuffer {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > maxBytes {
            throw tooLarge(maxBytes)
        }
        var collected: ByteBuffer?
        for try await chunk in request.body {
            guard var buffer = collected else {
                guard chunk.readableBytes <= maxBytes else { throw tooLarge(maxBytes) }
                collected = chunk
                continue
            }
            guard buffer.readableBytes + chunk.readableBytes <= maxBytes else { throw tooLarge(maxBytes) }
            collected = nil
            var chunk = chunk
            buffer.writeBuffer(&chunk)
            collected = buffer
        }
        return collected ?? ByteBuffer()
    }

    /// Parses a body with `parse` (``PaymentRequestBody/parse(json:)`` or the batch's), straight
    /// from the buffer's bytes.
    static func parse<T>(_ buffer: ByteBuffer,
                         with parse: (UnsafeRawBufferPointer) throws(GatewayError) -> T) throws(GatewayError) -> T {
        let result = buffer.withUnsafeReadableBytes { bytes in
            Result { () throws(GatewayError) -> T in try parse(bytes) }
        }
        return try result.get()
    }

    private static func tooLarge(_ maxBytes: Int) -> GatewayError {
        GatewayError(.payloadTooLarge, code: .payloadTooLarge, message: "the body is larger than \(maxBytes) bytes")
    }
}
