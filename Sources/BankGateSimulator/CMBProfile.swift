import BankGateCore
import Hummingbird

/// China Merchants Bank's front-end program (前置机, `--profile cmb`): GBK XML in the `CMBSDKPGK`
/// envelope posted to one URL, functions `DCPAYMNT`, `NTQRYSTY`, `NTSTLINF`, `AgentRequest`, `NTAGCQRI`,
/// `GetAccInfo`, `GetTransInfo`, `SDKCSFDFBRT`, `SDKCSFDFBRTIMG`. See `adapters/cmb/SIMULATOR.md`.
struct CMBProfile: SimulatorProfile {
    /// The `--profile` value.
    static let profileName = "cmb"
    /// The user the simulated front-end is logged in as: requests must carry it in `LGNNAM`.
    static let defaultLoginName = "BANKGATE01"
    /// CMB's 12-digit CNAPS bank code (head office).
    static let bankCode = "308584000013"

    var name: String { Self.profileName }

    var supportsFolderMode: Bool { false }

    /// `LGNNAM` the front-end accepts.
    var loginName = Self.defaultLoginName

    /// Two CNY accounts of two companies, at the Shenzhen (75) and Shanghai (21) branches.
    var accounts: [ProfileAccount] {
        let cny = Currency(code: "CNY")!
        return [
            ProfileAccount(id: "cmb-sim-sz", number: "755912345610001", name: "深圳示例科技有限公司",
                           bankCode: Self.bankCode, branchCode: "75",
                           openingBalance: Money(minorUnits: 1_000_000_000, currency: cny)),
            ProfileAccount(id: "cmb-sim-sh", number: "215912345620001", name: "上海示例贸易有限公司",
                           bankCode: Self.bankCode, branchCode: "21",
                           openingBalance: Money(minorUnits: 500_000_000, currency: cny)),
        ]
    }

    /// The branch and name the profile knows for `number` (accounts opened on first use have neither).
    func knownAccount(_ number: String) -> ProfileAccount? {
        accounts.first { $0.number == number }
    }

    /// Whether `branch` may go with `number`: a profile account must be named with its own branch.
    func branchMatches(_ branch: String, number: String) -> Bool {
        knownAccount(number).map { $0.branchCode == branch } ?? true
    }

    func addRoutes(to router: Router<SimulatorRequestContext>, bank: SimulatedBank) {
        // The front-end program listens on one URL: every POST, whatever its path, is a request.
        let handler: @Sendable (Request, SimulatorRequestContext) async throws -> Response = { request, context in
            var request = request
            let body = try await request.collectBody(upTo: ISO20022BankCodec.maxMessageBytes)
            let answer = await bank.receiveCMB(Array(buffer: body), profile: self)
            return try await SimulatorHTTPRoutes.deliver(answer, context: context)
        }
        router.post("/", use: handler)
        router.post("**", use: handler)
    }

    func gatewayConfiguration(endpoints: SimulatorEndpoints) -> String {
        let url = endpoints.url
        var tables = TOMLTables()
        tables.arrayTable("banks", ["id": "cmb-sim", "adapter": "cmb", "transport": "http", "url": url,
                                    "login_name": loginName])
        for account in accounts {
            tables.arrayTable("accounts", ["id": account.id, "bank": "cmb-sim", "number": account.number,
                                           "branch_code": account.branchCode ?? "", "bank_code": account.bankCode,
                                           "name": account.name, "currency": account.openingBalance.currency.code])
        }
        return tables.text
    }
}
