import BankGateAdapters
import BankGateCore
import Hummingbird

/// China Merchants Bank's cloud direct connection (`--profile cmb-cloud`): SM4-encrypted, SM2-signed
/// JSON form-posted to one URL, functions `BB1PAYOP`, `BB1PAYQR`, `NTQACINF`, `DCTRSINF`. The keys are
/// under `--data-dir` (``CMBCloudKeyMaterial``). See `adapters/cmb-cloud/SIMULATOR.md`.
struct CMBCloudProfile: SimulatorProfile {
    /// The `--profile` value.
    static let profileName = "cmb-cloud"
    /// The user id (`UID`) the simulated bank issued: requests must carry it.
    static let defaultUserID = "N000000001"
    /// The variable `--print-config` names for the SM4 key.
    static let sm4KeyVariable = "BANKGATE_CMB_CLOUD_SM4_KEY"

    var name: String { Self.profileName }
    var supportsFolderMode: Bool { false }

    /// `UID` the bank accepts.
    var userID = Self.defaultUserID
    /// The keys, once ``configured(for:)`` has read them from the data directory; the problem when it could not.
    var keys: Result<CMBCloudKeyMaterial, BankCodecError> = .failure(BankCodecError("the cmb-cloud keys are not loaded"))

    /// The same two accounts as the front-end profile (`--profile cmb`), under ids of their own.
    var accounts: [ProfileAccount] {
        CMBProfile().accounts.map { account in
            var account = account
            account.id = "cmb-cloud-" + account.id.dropFirst("cmb-".count)
            return account
        }
    }

    /// The front-end profile, whose rules on branches and names this one shares.
    var frontEnd: CMBProfile { CMBProfile() }

    func configured(for options: BankSimulatorOptions) -> any SimulatorProfile {
        var profile = self
        profile.keys = Result {
            try CMBCloudKeyMaterial.loadOrCreate(directory: options.dataDirectory + "/cmb-cloud", now: SystemClock().now())
        }.mapError { $0 as? BankCodecError ?? BankCodecError("\($0)") }
        return profile
    }

    func addRoutes(to router: Router<SimulatorRequestContext>, bank: SimulatedBank) {
        // One URL (`cdcserver/api/v2`): every POST, whatever its path, is a request.
        let handler: @Sendable (Request, SimulatorRequestContext) async throws -> Response = { request, context in
            var request = request
            let body = try await request.collectBody(upTo: ISO20022BankCodec.maxMessageBytes)
            let answer = await bank.receiveCMBCloud(Array(buffer: body), profile: self)
            return try await SimulatorHTTPRoutes.deliver(answer, context: context)
        }
        router.post("/", use: handler)
        router.post("**", use: handler)
    }

    func gatewayConfiguration(endpoints: SimulatorEndpoints) -> String {
        let url = endpoints.url
        let keys: CMBCloudKeyMaterial
        switch self.keys {
        case .success(let loaded): keys = loaded
        case .failure(let problem): return "# cmb-cloud: no keys: \(problem.message)\n"
        }
        var tables = TOMLTables()
        tables.arrayTable("banks", ["id": "cmb-cloud-sim", "adapter": "cmb-cloud", "transport": "http", "url": url,
                                    "user_id": userID, "sm4_key_env": Self.sm4KeyVariable,
                                    "bank_public_key": keys.bankPublicKeyPath])
        for account in accounts {
            tables.arrayTable("accounts", ["id": account.id, "bank": "cmb-cloud-sim", "number": account.number,
                                           "branch_code": account.branchCode ?? "", "bank_code": account.bankCode,
                                           "name": account.name, "currency": account.openingBalance.currency.code])
        }
        tables.arrayTable("keys", ["id": "cmb-cloud-sim-client", "bank": "cmb-cloud-sim", "algorithm": "sm2-sm3",
                                   "private_key": keys.clientKeyPath, "certificate": keys.clientCertificatePath,
                                   "sm2_user_id": CMBCloudAdapter.sm2UserID(for: userID), "role": "payments"],
                          lists: ["accounts": accounts.map(\.id)])
        return "# export \(Self.sm4KeyVariable)=\(Hex.encode(keys.sm4Key))\n" + tables.text
    }
}
