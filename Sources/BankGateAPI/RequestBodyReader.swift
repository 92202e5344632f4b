import BankGateEngine
import Foundation
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

    /// Decodes JSON strictly (see ``PaymentRequestBody``), mapping decoder failures to 400 answers.
    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws(GatewayError) -> T {
        let data = Data(buffer.readableBytesView)
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as GatewayError {
            throw error
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, let inner = context.underlyingError as? GatewayError {
                throw inner
            }
            throw GatewayError.badRequest(decoding: error)
        } catch {
            throw GatewayError(.badRequest, code: "malformed_json", message: "the body is not valid JSON")
        }
    }

    private static func tooLarge(_ maxBytes: Int) -> GatewayError {
        GatewayError(.payloadTooLarge, code: "payload_too_large", message: "the body is larger than \(maxBytes) bytes")
    }
}
