import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A port on 127.0.0.1 that refuses connections: a socket bound to a port the system chose that
/// does not listen. While it is open no other server can take the port, so a test that needs an
/// unreachable bank cannot end up talking to someone else's. Call `close()` when done.
final class RefusingPort: Sendable {
    let port: Int
    private let socket: Int32

    init() throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("cannot create a socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else {
            Glibc.close(fd)
            throw HarnessError("cannot bind a port on 127.0.0.1")
        }
        socket = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Frees the port.
    func close() { Glibc.close(socket) }
}
