import BankGateCrypto
import Glibc

extension ContentAddressedFiles {
    /// The file kept under `sha256`, opened to be read piece by piece (a large file, or many of
    /// them, without holding one whole): its bytes are hashed as they are read, and the end is
    /// reported only once they hashed to `sha256`.
    /// - Throws: ``FileStoreError`` when the file is missing, not a plain file, or unreadable.
    public func openForStreaming(_ sha256: String) throws(FileStoreError) -> StreamedFile {
        let (folder, name) = try place(sha256)
        let opened: (descriptor: Int32, size: Int64)?
        do {
            opened = try folder.openForReading(name)
        } catch {
            throw FileStoreError(description: error.description)
        }
        guard let opened else { throw FileStoreError(description: "\(directory)/\(sha256.prefix(2))/\(name) is missing") }
        return StreamedFile(descriptor: opened.descriptor, size: opened.size, sha256: sha256,
                            path: "\(directory)/\(sha256.prefix(2))/\(name)")
    }

    /// A kept file being read: ``read(into:)`` until it returns 0, which it does only when the
    /// bytes read hash to the file's name; then ``close()``. Not `Sendable`: one reader, one thread.
    public final class StreamedFile {
        /// The file's size when it was opened.
        public let size: Int64
        public let sha256: String
        private let path: String
        private var descriptor: Int32
        private var hasher: SHA256.Hasher?
        private var verified = false

        init(descriptor: Int32, size: Int64, sha256: String, path: String) {
            self.descriptor = descriptor
            self.size = size
            self.sha256 = sha256
            self.path = path
            hasher = SHA256.Hasher()
        }

        deinit { close() }

        /// Fills the start of `buffer` with the next bytes; 0 at the end, once they all hashed to
        /// the file's name.
        /// - Throws: ``FileStoreError`` when reading fails, or at the end when the bytes hash to
        ///   something else (the file is altered).
        public func read(into buffer: UnsafeMutableRawBufferPointer) throws(FileStoreError) -> Int {
            if verified { return 0 }
            guard descriptor >= 0, hasher != nil else { throw FileStoreError(description: "\(path) is closed already") }
            while true {
                let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
                if count < 0 {
                    if errno == EINTR { continue }
                    throw FileStoreError(description: "cannot read \(path): errno \(errno)")
                }
                if count > 0 {
                    hasher!.update(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                    return count
                }
                let actual = hasher.take()!.finalizeHex()
                guard actual == sha256 else {
                    throw FileStoreError(description: "\(path) is altered (its bytes hash to \(actual))")
                }
                verified = true
                return 0
            }
        }

        /// Closes the file (again: nothing).
        public func close() {
            if descriptor >= 0 { Glibc.close(descriptor) }
            descriptor = -1
        }
    }
}
