import BankGateCore
import BankGateTestSupport
import Foundation
@testable import BankGateStore

/// Where a test that adds tables of its own opens its database: an SQLite file `<name>.sqlite` in
/// `directory`, or, when the suite runs against PostgreSQL (``TestStoreBackend``), a schema of
/// its own named after `name` on that server.
func scratchStoreLocation(named name: String, in directory: URL) -> StoreLocation {
    if let url = TestStoreBackend.postgresURL, let server = PostgresLocation(url: url) {
        return .postgres(server.inSchema("\(name)_\(UInt32.random(in: 0...UInt32.max))_\(UInt32.random(in: 0...UInt32.max))"))
    }
    return .sqlite(path: directory.appendingPathComponent("\(name).sqlite").path)
}
