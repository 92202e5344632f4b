import BankGateCore
import Hummingbird

/// China Construction Bank's 外联客户端 (`--profile ccb`): the form field `requestXml` holding GB2312 XML
/// in the `TX` envelope, posted to one URL, answered in GB18030; transactions `6W8010`, `6W8060`,
/// `6W1303` (代发 under the agreement ``payrollBillCode``), `6W0600`, `6W1503`, `6W0100`, `6WY101`. See `adapters/ccb/SIMULATOR.md`.
struct CCBProfile: SimulatorProfile {
    /// The `--profile` value.
    static let profileName = "ccb"
    /// `CUST_ID` the client accepts (网银客户号).
    static let defaultCustomerId = "SZP000088888#001"
    /// `USER_ID` the client accepts (外联操作员, at most 6 characters).
    static let defaultUserId = "WLPT01"
    /// `PASSWORD` the client accepts. Printed by `--print-config` in a comment: it is a simulator's.
    static let defaultPassword = "CcbSim8866"
    /// The environment variable the gateway reads the password from.
    static let passwordEnvironmentVariable = "BANKGATE_CCB_PASSWORD"
    /// `BILL_CODE` of the 代发代扣 agreement the simulated bank holds for the customer.
    static let defaultPayrollBillCode = "SZ52000001DF01"

    var name: String { Self.profileName }

    var supportsFolderMode: Bool { false }

    var customerId = Self.defaultCustomerId
    var userId = Self.defaultUserId
    var password = Self.defaultPassword
    var payrollBillCode = Self.defaultPayrollBillCode

    /// Two CNY accounts of two companies, at CCB's Shenzhen and Shanghai branches.
    var accounts: [ProfileAccount] {
        let cny = Currency(code: "CNY")!
        return [
            ProfileAccount(id: "ccb-sim-sz", number: "44201500000052000001", name: "深圳示例建材有限公司",
                           bankCode: "105584000005", branchCode: nil,
                           openingBalance: Money(minorUnits: 1_000_000_000, currency: cny)),
            ProfileAccount(id: "ccb-sim-sh", number: "31050161000060000002", name: "上海示例物流有限公司",
                           bankCode: "105290036005", branchCode: nil,
                           openingBalance: Money(minorUnits: 500_000_000, currency: cny)),
        ]
    }

    /// The profile account numbered `number`, if any.
    func knownAccount(_ number: String) -> ProfileAccount? {
        accounts.first { $0.number == number }
    }

    /// Whether the header's `CUST_ID`, `USER_ID` and `PASSWORD` are the ones the client accepts.
    func accepts(customerId: String?, userId: String?, password: String?) -> Bool {
        customerId == self.customerId && userId == self.userId && password == self.password
    }

    func addRoutes(to router: Router<SimulatorRequestContext>, bank: SimulatedBank) {
        // The client listens on one URL: every POST, whatever its path, is a request.
        let handler: @Sendable (Request, SimulatorRequestContext) async throws -> Response = { request, context in
            var request = request
            let body = try await request.collectBody(upTo: ISO20022BankCodec.maxMessageBytes)
            let answer = await bank.receiveCCB(Array(buffer: body), profile: self)
            return try await SimulatorHTTPRoutes.deliver(answer, context: context)
        }
        router.post("/", use: handler)
        router.post("**", use: handler)
    }

    /// The client's raw socket port too (`--tcp-listen`): the document as it is, answered and closed.
    var acceptsTCP: Bool { true }

    /// One request per connection, whole when its `</TX>` has arrived; answered like the form.
    func tcpExchange(bank: SimulatedBank) -> SimulatorTCPExchange? {
        let end = Array("</TX>".utf8)
        return SimulatorTCPExchange(
            requestLength: { bytes in bytes.firstRange(of: end).map(\.upperBound) },
            answer: { bytes, error in
                if let error { return await bank.receiveCCB(Array("broken: \(error.message)".utf8), profile: self) }
                return await bank.receiveCCB(bytes, profile: self)
            },
            maximumRequestBytes: CCBBankCodec.maxRequestBytes)
    }

    func gatewayConfiguration(endpoints: SimulatorEndpoints) -> String {
        let url = endpoints.url
        var tables = TOMLTables()
        if let socket = endpoints.tcpAddress {
            tables.arrayTable("banks", ["id": "ccb-sim", "adapter": "ccb", "transport": "tcp", "address": "\(socket)",
                                        "customer_id": customerId, "user_id": userId,
                                        "password_env": Self.passwordEnvironmentVariable, "payroll_bill_code": payrollBillCode])
        } else {
            tables.arrayTable("banks", ["id": "ccb-sim", "adapter": "ccb", "transport": "http", "url": url + "/ccb",
                                        "customer_id": customerId, "user_id": userId,
                                        "password_env": Self.passwordEnvironmentVariable, "payroll_bill_code": payrollBillCode])
        }
        for account in accounts {
            tables.arrayTable("accounts", ["id": account.id, "bank": "ccb-sim", "number": account.number,
                                           "bank_code": account.bankCode, "name": account.name,
                                           "currency": account.openingBalance.currency.code])
        }
        return "# export \(Self.passwordEnvironmentVariable)=\(password)\n" + tables.text
    }
}
