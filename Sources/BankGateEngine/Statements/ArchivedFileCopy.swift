import BankGateCrypto
import Foundation

/// Copies a file into the archive as a stream, measuring its size and SHA-256 on the way, so that
/// an inbox file of any size is archived byte for byte without being held in memory.
///
/// The copy goes to `<data dir>/archive/inbox/<bank>/<date>/<sha256>-<name>`: written under a
/// temporary name, synced, then renamed, so a file under its final name is always complete. The
/// copy runs on a thread of its own, never on the cooperative pool.
enum ArchivedFileCopy {
    /// Where a file was archived and what it measured.
    struct Result: Sendable {
        /// The copy's path, relative to the data directory.
        var relativePath: String
        var size: Int64
        var sha256: String
    }

    struct CopyError: Error, CustomStringConvertible {
        var description: String
    }

    static let chunkBytes = 1 << 20

    static func copy(from path: String, name: String, bankId: String, date: String,
                     dataDirectory: String) async throws -> Result {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            let thread = Thread {
                continuation.resume(with: Swift.Result {
                    try copyBlocking(from: path, name: name, bankId: bankId, date: date, dataDirectory: dataDirectory)
                })
            }
            thread.name = "bankgate-archive-copy"
            thread.start()
        }
    }

    private static func copyBlocking(from path: String, name: String, bankId: String, date: String,
                                     dataDirectory: String) throws -> Result {
        let folder = "archive/inbox/\(safe(bankId))/\(date)"
        let directory = dataDirectory + "/" + folder
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = directory + "/.copying-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
              let output = FileHandle(forWritingAtPath: temporary) else {
            throw CopyError(description: "cannot create \(temporary)")
        }
        guard let input = FileHandle(forReadingAtPath: path) else {
            try? output.close()
            try? FileManager.default.removeItem(atPath: temporary)
            throw CopyError(description: "cannot open \(path)")
        }
        var hasher = SHA256.Hasher()
        var size: Int64 = 0
        do {
            defer { try? input.close() }
            while let chunk = try input.read(upToCount: chunkBytes), !chunk.isEmpty {
                chunk.withUnsafeBytes { hasher.update($0) }
                try output.write(contentsOf: chunk)
                size += Int64(chunk.count)
            }
            try output.synchronize()
            try output.close()
        } catch {
            try? output.close()
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        let sha256 = hasher.finalizeHex()
        let finalName = "\(sha256)-\(safe(name))"
        let destination = directory + "/" + finalName
        if FileManager.default.fileExists(atPath: destination) {
            // The same bytes under the same name: archived already (a file picked up again).
            try FileManager.default.removeItem(atPath: temporary)
        } else {
            try FileManager.default.moveItem(atPath: temporary, toPath: destination)
        }
        return Result(relativePath: folder + "/" + finalName, size: size, sha256: sha256)
    }

    /// A name safe as one path component.
    private static func safe(_ name: String) -> String {
        let kept = name.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "-", "_": Character(scalar)
            default: "_"
            }
        }
        let text = String(kept).trimmingCharacters(in: CharacterSet(charactersIn: "."))
        return text.isEmpty ? "file" : String(text.prefix(120))
    }
}
