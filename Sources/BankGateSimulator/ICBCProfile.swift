import BankGateCore
import Hummingbird

/// ICBC's 银企互联 through the enterprise's NetSafe Client (`--profile icbc`): the NC's encryption port
/// (`POST /servlet/ICBCCMPAPIReqServlet`, a GBK form whose `reqData` is the `CMS/eb` document or its
/// signed package, answered `reqData=` + Base64) and its sign port (`POST /sign`, `INFOSEC_SIGN/1.0`),
/// on one listener, with ICBC behind them: `PAYENT`, `QPAYENT`, `PAYPER`, `QPAYPER`, `QACCBAL`, `QHISD`,
/// `DownEBill`. See `adapters/icbc/SIMULATOR.md`.
struct ICBCProfile: SimulatorProfile {
    /// The `--profile` value.
    static let profileName = "icbc"
    /// The path of the NC's encryption port.
    static let servletPath = "/servlet/ICBCCMPAPIReqServlet"
    /// The path the simulated sign port listens on.
    static let signPath = "/sign"
    /// `CIS` (`GroupCIS`) the simulated bank has the enterprise registered under.
    static let defaultGroupCIS = "020090001234567"
    /// `ID`: the certificate the simulated NC holds.
    static let defaultCertificateId = "bankgate.y.0200"
    /// A CNAPS code of ICBC (its Beijing business department).
    static let bankCode = "102100099996"
    /// The `QHISD` records per answer before the simulator pages with `NextTag`.
    static let defaultTransactionsPerPage = 50

    var name: String { Self.profileName }

    var supportsFolderMode: Bool { false }

    /// `GroupCIS` and `CIS` the bank accepts.
    var groupCIS = Self.defaultGroupCIS
    /// `ID`/`userID` the bank accepts.
    var certificateId = Self.defaultCertificateId
    /// `QHISD` records per page.
    var transactionsPerPage = Self.defaultTransactionsPerPage
    /// The key of the simulated NC's signatures (see ``ICBCSignedPackage``).
    var signingKey = ICBCSignedPackage.defaultKey

    /// Two CNY accounts of two companies, in Beijing and Shanghai.
    var accounts: [ProfileAccount] {
        let cny = Currency(code: "CNY")!
        return [
            ProfileAccount(id: "icbc-sim-bj", number: "0200001009200012345", name: "北京示例科技有限公司",
                           bankCode: Self.bankCode, branchCode: nil,
                           openingBalance: Money(minorUnits: 1_000_000_000, currency: cny)),
            ProfileAccount(id: "icbc-sim-sh", number: "1001234509000067890", name: "上海示例贸易有限公司",
                           bankCode: Self.bankCode, branchCode: nil,
                           openingBalance: Money(minorUnits: 500_000_000, currency: cny)),
        ]
    }

    /// The profile's account with `number` (accounts opened on first use are not in the table).
    func knownAccount(_ number: String) -> ProfileAccount? {
        accounts.first { $0.number == number }
    }

    func addRoutes(to router: Router<SimulatorRequestContext>, bank: SimulatedBank) {
        router.post(RouterPath(Self.servletPath)) { request, context -> Response in
            var request = request
            let body = try await request.collectBody(upTo: ISO20022BankCodec.maxMessageBytes)
            let query = request.uri.queryParameters
            let answer = await bank.receiveICBC(form: Array(buffer: body), userID: query.get("userID").map { String($0) },
                                                profile: self)
            return try await SimulatorHTTPRoutes.deliver(answer, context: context)
        }
        router.post(RouterPath(Self.signPath)) { request, context -> Response in
            var request = request
            let body = try await request.collectBody(upTo: ISO20022BankCodec.maxMessageBytes)
            let answer = bank.signICBC(Array(buffer: body), contentType: request.headers[.contentType], profile: self)
            return try await SimulatorHTTPRoutes.deliver(answer, context: context)
        }
    }

    /// `url` is `http://HOST:PORT`: the NC's two ports are two paths of it here.
    func gatewayConfiguration(endpoints: SimulatorEndpoints) -> String {
        let url = endpoints.url
        var tables = TOMLTables()
        tables.arrayTable("banks", ["id": "icbc-sim", "adapter": "icbc", "transport": "http",
                                    "url": url + Self.servletPath, "group_cis": groupCIS,
                                    "certificate_id": certificateId, "sign_url": url + Self.signPath])
        for account in accounts {
            tables.arrayTable("accounts", ["id": account.id, "bank": "icbc-sim", "number": account.number,
                                           "bank_code": account.bankCode, "name": account.name,
                                           "currency": account.openingBalance.currency.code])
        }
        return tables.text
    }
}
