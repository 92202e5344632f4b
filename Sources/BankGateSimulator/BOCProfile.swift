import BankGateCore
import Hummingbird
import Synchronization

/// Bank of China's B2E server (`--profile boc`): UTF-8 `bocb2e` version 120 XML posted to
/// `/B2EP/XmlServlet`, a session signed in with `b2e0001` whose token every other request carries;
/// transactions `b2e0001`, `b2e0002`, `b2e0009`, `b2e0007`, `b2e0005`, `b2e0035`. See `adapters/boc/SIMULATOR.md`.
struct BOCProfile: SimulatorProfile {
    /// The `--profile` value.
    static let profileName = "boc"
    /// The path the server answers on.
    static let path = "/B2EP/XmlServlet"
    /// `termid`, `custid`, `cusopr` and `oprpwd` the server accepts.
    static let defaultTerminalId = "E127000000001"
    static let defaultCustomerId = "88886666"
    static let defaultOperatorId = "10000001"
    static let defaultPassword = "BocSim2026"
    /// The environment variable the gateway reads the password from.
    static let passwordEnvironmentVariable = "BANKGATE_BOC_PASSWORD"

    var name: String { Self.profileName }

    var supportsFolderMode: Bool { false }

    var terminalId = Self.defaultTerminalId
    var customerId = Self.defaultCustomerId
    var operatorId = Self.defaultOperatorId
    var password = Self.defaultPassword
    /// How long a token stays valid after the sign-in, in milliseconds (`--session-minutes`, 30 by default).
    var tokenLifetimeMilliseconds: Int64 = 30 * 60_000

    /// Two CNY accounts of two companies, at BOC's Shanghai (40600) and Shenzhen (44500) branches.
    var accounts: [ProfileAccount] {
        let cny = Currency(code: "CNY")!
        return [
            ProfileAccount(id: "boc-sim-sh", number: "436512345678", name: "上海示例电子有限公司",
                           bankCode: "104290003791", branchCode: "40600",
                           openingBalance: Money(minorUnits: 1_000_000_000, currency: cny)),
            ProfileAccount(id: "boc-sim-sz", number: "741298765432", name: "深圳示例能源有限公司",
                           bankCode: "104584000003", branchCode: "44500",
                           openingBalance: Money(minorUnits: 500_000_000, currency: cny)),
        ]
    }

    /// The profile account numbered `number`, if any.
    func knownAccount(_ number: String) -> ProfileAccount? {
        accounts.first { $0.number == number }
    }

    /// Whether `branch` (`fribkn`, `ibknum`) may go with `number`: a profile account must be named with its own.
    func branchMatches(_ branch: String, number: String) -> Bool {
        knownAccount(number).map { $0.branchCode == branch } ?? true
    }

    func configured(for options: BankSimulatorOptions) -> any SimulatorProfile {
        var profile = self
        profile.tokenLifetimeMilliseconds = Int64(options.sessionMinutes) * 60_000
        return profile
    }

    func addRoutes(to router: Router<SimulatorRequestContext>, bank: SimulatedBank) {
        // One session table per server.
        let sessions = BOCSessions()
        router.post(RouterPath(stringLiteral: Self.path)) { request, context -> Response in
            var request = request
            let body = try await request.collectBody(upTo: ISO20022BankCodec.maxMessageBytes)
            let answer = await bank.receiveBOC(Array(buffer: body), profile: self, sessions: sessions)
            return try await SimulatorHTTPRoutes.deliver(answer, context: context)
        }
    }

    func gatewayConfiguration(endpoints: SimulatorEndpoints) -> String {
        let url = endpoints.url
        var tables = TOMLTables()
        tables.arrayTable("banks", ["id": "boc-sim", "adapter": "boc", "transport": "http", "url": url + Self.path,
                                    "terminal_id": terminalId, "customer_id": customerId, "operator_id": operatorId,
                                    "password_env": Self.passwordEnvironmentVariable])
        for account in accounts {
            tables.arrayTable("accounts", ["id": account.id, "bank": "boc-sim", "number": account.number,
                                           "branch_number": account.branchCode ?? "", "bank_code": account.bankCode,
                                           "name": account.name, "currency": account.openingBalance.currency.code])
        }
        return "# export \(Self.passwordEnvironmentVariable)=\(password)\n" + tables.text
    }
}

/// The B2E server's signed-in sessions: token → who signed in and until when. In memory: a restarted
/// server has no sessions (the gateway signs in again on `B107`).
final class BOCSessions: Sendable {
    struct Session: Hashable, Sendable {
        var customerId: String
        var operatorId: String
        /// Milliseconds since 1970 after which the token is refused.
        var expiresAt: Int64
    }

    private let sessions = Mutex<[String: Session]>([:])

    /// A new token (24 letters and digits) for `session`; expired sessions are dropped.
    func signIn(_ session: Session, now: Int64) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        let token = String((0..<24).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
        sessions.withLock { table in
            table = table.filter { $0.value.expiresAt > now }
            table[token] = session
        }
        return token
    }

    /// The session of `token` when it is known and not expired at `now`.
    func session(_ token: String?, now: Int64) -> Session? {
        guard let token else { return nil }
        return sessions.withLock { table in
            guard let session = table[token] else { return nil }
            guard session.expiresAt > now else {
                table[token] = nil
                return nil
            }
            return session
        }
    }

    /// Ends the session of `token` (`b2e0002`).
    func signOut(_ token: String) {
        _ = sessions.withLock { $0.removeValue(forKey: token) }
    }
}
