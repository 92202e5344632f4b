import BankGateCore
public import BankGateConfig
public import BankGateStore
import Foundation

extension StoreLocation {
    /// What a tool's `--database` names: a PostgreSQL URL (its password from `PGPASSWORD` when it
    /// has none), else a SQLite file. `nil` for a PostgreSQL URL that cannot be read.
    public init?(databaseArgument text: String) {
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") else {
            self = PaymentStore.location(path: text)
            return
        }
        guard var location = PostgresLocation(url: text) else { return nil }
        if location.password == nil { location.password = ProcessInfo.processInfo.environment["PGPASSWORD"] }
        self = .postgres(location)
    }

    /// Where a configuration keeps its store: the PostgreSQL database of `server.database` (its
    /// password from `PGPASSWORD` when the URL has none), else `<data_dir>/bankgate.sqlite` (see
    /// ``PaymentStore/location(path:)``). `bankgate serve`, `doctor` and `audit` all open this.
    public init(configuration: BankGateConfiguration) throws(StoreError) {
        if let url = configuration.server.database {
            guard var location = PostgresLocation(url: url) else {
                throw StoreError.database("not a PostgreSQL URL this store can use (postgres://user@host[:port]/database[?schema=name], "
                                          + "the schema a plain name)")
            }
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
