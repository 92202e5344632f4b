public import BankGateConfig
public import BankGateStore
import Foundation

extension StoreLocation {
    /// Where a configuration keeps its store: the PostgreSQL database of `server.database` (its
    /// password from `PGPASSWORD` when the URL has none), else `<data_dir>/bankgate.sqlite` (see
    /// ``PaymentStore/location(path:)``). `bankgate serve`, `doctor` and `audit` all open this.
    public init(configuration: BankGateConfiguration) throws(StoreError) {
        if let url = configuration.server.database {
            guard var location = PostgresLocation(url: url) else { throw StoreError.database("database: not a PostgreSQL URL") }
            if location.password == nil { location.password = ProcessInfo.processInfo.environment["PGPASSWORD"] }
            self = .postgres(location)
        } else {
            self = PaymentStore.location(path: configuration.server.dataDirectory + "/bankgate.sqlite")
        }
    }
}

extension StoreLocation {
    /// The file path or the PostgreSQL URL (without its password), for messages.
    public var displayName: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let location): location.description
        }
    }
}
