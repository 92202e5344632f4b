import BankGateCore
import Hummingbird

/// Agricultural Bank of China's 银企通平台 (`--profile abc`): the client program's raw TCP port
/// (`--tcp-listen`), one request per connection behind the 7-byte frame, GBK XML with root `ap`;
/// transaction codes `CFRT01`, `CFRT02`, `CFRT21`, `CQRT04`, `CQRA06`. The HTTP side (`--listen`)
/// serves only the simulator's own routes. See `adapters/abc/SIMULATOR.md`.
struct ABCProfile: SimulatorProfile {
    /// The `--profile` value.
    static let profileName = "abc"
    /// `CorpNo` the client accepts (the customer number of the adapter's golden samples).
    static let defaultCorporateNumber = "1101020304050607"
    /// `OpNo` the client is logged in as.
    static let defaultOperatorNumber = "0001"
    /// ABC's 12-digit CNAPS bank code (head office).
    static let bankCode = "103100000026"

    var name: String { Self.profileName }

    var supportsFolderMode: Bool { false }

    var usesTCP: Bool { true }

    var corporateNumber = Self.defaultCorporateNumber
    var operatorNumber = Self.defaultOperatorNumber

    /// Two CNY accounts of two companies, in Beijing (province code `11`) and Shanghai (`03`); the
    /// province code (`DbProv`) is the account's ``ProfileAccount/branchCode``.
    var accounts: [ProfileAccount] {
        let cny = Currency(code: "CNY")!
        return [
            ProfileAccount(id: "abc-sim-bj", number: "110101040012345", name: "北京示例科技有限公司",
                           bankCode: Self.bankCode, branchCode: "11",
                           openingBalance: Money(minorUnits: 1_000_000_000, currency: cny)),
            ProfileAccount(id: "abc-sim-sh", number: "033901040067890", name: "上海示例实业有限公司",
                           bankCode: Self.bankCode, branchCode: "03",
                           openingBalance: Money(minorUnits: 500_000_000, currency: cny)),
        ]
    }

    /// The profile account numbered `number` (accounts opened on first use are not).
    func knownAccount(_ number: String) -> ProfileAccount? {
        accounts.first { $0.number == number }
    }

    /// Whether `province` may go with `number`: a profile account must be named with its own province.
    func provinceMatches(_ province: String, number: String) -> Bool {
        knownAccount(number).map { $0.branchCode == province } ?? true
    }

    /// Whether the header's `CorpNo` and `OpNo` are those the client is logged in with.
    func accepts(corporateNumber: String?, operatorNumber: String?) -> Bool {
        corporateNumber == self.corporateNumber && operatorNumber == self.operatorNumber
    }

    /// No bank-facing HTTP routes: the client is reached over TCP.
    func addRoutes(to router: Router<SimulatorRequestContext>, bank: SimulatedBank) {}

    /// One request per connection: read until the header's length is complete.
    func tcpExchange(bank: SimulatedBank) -> SimulatorTCPExchange? {
        SimulatorTCPExchange(
            requestLength: { bytes throws(BankCodecError) in try ABCBankCodec.requestLength(bytes) },
            answer: { bytes, error in
                if let error { return await bank.refuseABC(error) }
                return await bank.receiveABC(bytes, profile: self)
            },
            maximumRequestBytes: ABCBankCodec.maxRequestBytes)
    }

    func gatewayConfiguration(endpoints: SimulatorEndpoints) -> String {
        var tables = TOMLTables()
        tables.arrayTable("banks", ["id": "abc-sim", "adapter": "abc", "transport": "tcp",
                                    "address": endpoints.tcpAddress?.description ?? "",
                                    "corporate_no": corporateNumber, "operator_no": operatorNumber])
        for account in accounts {
            tables.arrayTable("accounts", ["id": account.id, "bank": "abc-sim", "number": account.number,
                                           "province_code": account.branchCode ?? "", "bank_code": account.bankCode,
                                           "name": account.name, "currency": account.openingBalance.currency.code])
        }
        return tables.text
    }
}
