import BankGateCore
import Hummingbird

/// Agricultural Bank of China's 银企通平台 (`--profile abc`): the client program's raw TCP port
/// (`--tcp-listen`), one request per connection behind the 7-byte frame, GBK XML with root `ap`;
/// transaction codes `CFRT01`, `CFRT02`, `CFRT21`, `CFRT03`, `CQRT04`, `CQRA06`, `CQRA10`. The
/// client's files (detail files it leaves, payroll files it reads) are in its folder
/// (`--file-directory`), also served by its FTP server (`--ftp-listen`). The HTTP side (`--listen`)
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

    /// The login the client's FTP server accepts, and the variable `--print-config` names for the password.
    static let ftpUser = "abc-client"
    static let ftpPassword = "abc-sim-ftp"
    static let ftpPasswordEnvironmentVariable = "BANKGATE_ABC_FTP_PASSWORD"

    /// The client's file folder (``BankSimulatorOptions/clientFileDirectory``).
    var clientFiles = ABCClientFiles(directory: "var/bank-sim/client-files")
    /// The most lines of one `CQRA10` detail file; beyond, `ContFlag=1` and the next query continues
    /// after the last line's `TrJrn`.
    var detailLinesPerFile = 1_000

    var fileServerLogin: (user: String, password: String)? { (Self.ftpUser, Self.ftpPassword) }

    /// The profile with the client's folder of `options`.
    func configured(for options: BankSimulatorOptions) -> any SimulatorProfile {
        var profile = self
        profile.clientFiles = ABCClientFiles(directory: options.clientFileDirectory)
        return profile
    }

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
        var secrets = ""
        if let ftp = endpoints.ftpAddress {
            tables.pair("file_transfer", "ftp://\(ftp)/")
            tables.pair("file_user", Self.ftpUser)
            tables.pair("file_password_env", Self.ftpPasswordEnvironmentVariable)
            secrets = "# export \(Self.ftpPasswordEnvironmentVariable)=\(Self.ftpPassword)\n"
        } else if let directory = endpoints.fileDirectory {
            tables.pair("file_directory", directory)
        }
        for account in accounts {
            tables.arrayTable("accounts", ["id": account.id, "bank": "abc-sim", "number": account.number,
                                           "province_code": account.branchCode ?? "", "bank_code": account.bankCode,
                                           "name": account.name, "currency": account.openingBalance.currency.code])
        }
        return secrets + tables.text
    }
}
