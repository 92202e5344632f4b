import BankGateCore
import BankGateCrypto
import BankGateTransport
import Foundation

/// Downloads an API file (a receipt, an export's ZIP) to disk as it arrives — into `<output>.part`,
/// renamed to `output` only once its bytes hash to what the daemon said — never held in memory.
enum ReceiptDownload {
    /// What was written: the file's size and SHA-256.
    struct Written {
        var bytes: Int64
        var sha256: String
    }

    /// `GET path` into `output`. `expectedSHA256` (lowercase hex) is checked when given, else the
    /// answer's `Digest: sha-256=<base64>`; a mismatch removes the file and fails.
    static func fetch(_ client: OperatorClient, _ path: String, to output: String,
                      expectedSHA256: String?) async throws(OperatorFailure) -> Written {
        let partial = output + ".part"
        unlink(partial)
        let descriptor = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw OperatorFailure(message: "cannot create \(partial): \(String(cString: strerror(errno)))", exitCode: OperatorFailure.apiError)
        }
        let base = client.baseURL.hasSuffix("/") ? String(client.baseURL.dropLast()) : client.baseURL
        let answer: HTTPResponse
        do {
            answer = try await client.http.download(url: base + path, headers: client.authorization,
                                                    into: descriptor)
        } catch {
            close(descriptor)
            unlink(partial)
            throw OperatorFailure(message: "cannot reach bankgate at \(base): \(error.message)", exitCode: OperatorFailure.unreachable)
        }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard (200..<300).contains(answer.status) else {
            let body = (try? Data(contentsOf: URL(fileURLWithPath: partial))).map { Array($0.prefix(64 * 1024)) } ?? []
            unlink(partial)
            throw OperatorClient.failure(status: answer.status, body: body)
        }
        guard synced else {
            unlink(partial)
            throw OperatorFailure(message: "cannot write \(partial) to disk", exitCode: OperatorFailure.apiError)
        }
        let written: Written
        do {
            written = try hash(partial)
        } catch {
            unlink(partial)
            throw error
        }
        let expected = expectedSHA256 ?? answer.headerValue("Digest").flatMap(digestHex)
        guard let expected else {
            unlink(partial)
            throw OperatorFailure(message: "the daemon gave no SHA-256 to check \(path) against", exitCode: OperatorFailure.apiError)
        }
        guard expected == written.sha256 else {
            unlink(partial)
            throw OperatorFailure(message: "the bytes downloaded hash to \(written.sha256), not to \(expected) as the daemon said: "
                                  + "nothing written", exitCode: OperatorFailure.apiError)
        }
        guard rename(partial, output) == 0 else {
            unlink(partial)
            throw OperatorFailure(message: "cannot rename \(partial) to \(output): \(String(cString: strerror(errno)))",
                                  exitCode: OperatorFailure.apiError)
        }
        return written
    }

    /// The lowercase hex of a `Digest` header's `sha-256=<base64>`.
    static func digestHex(_ header: String) -> String? {
        for part in header.split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard trimmed.lowercased().hasPrefix("sha-256="), let bytes = Data(base64Encoded: String(trimmed.dropFirst(8))),
                  bytes.count == SHA256.length else { continue }
            return Hex.encode(Array(bytes))
        }
        return nil
    }

    /// The size and SHA-256 of the file at `path`, read 1 MB at a time.
    static func hash(_ path: String) throws(OperatorFailure) -> Written {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw OperatorFailure(message: "cannot read \(path)", exitCode: OperatorFailure.apiError) }
        defer { close(descriptor) }
        var hasher = SHA256.Hasher()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total: Int64 = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw OperatorFailure(message: "cannot read \(path)", exitCode: OperatorFailure.apiError)
            }
            if count == 0 { break }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            total += Int64(count)
        }
        return Written(bytes: total, sha256: hasher.finalizeHex())
    }
}
