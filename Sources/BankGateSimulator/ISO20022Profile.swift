import BankGateCore
import Foundation
import Hummingbird

/// The ISO 20022 bank (`--profile iso20022`, the default; `hsbc` and `bochk` with those banks'
/// accounts and configuration, ``ISO20022BankVariant``): pain.001 in, pain.002.001.10 out, status
/// queries, camt.060 statement requests, folder mode. See `adapters/iso20022/SIMULATOR.md`.
struct ISO20022Profile: SimulatorProfile {
    /// The `--profile` value of the generic bank.
    static let profileName = "iso20022"

    /// The bank it plays.
    var variant = ISO20022BankVariant.generic

    var name: String { variant.name }

    /// `iso20022` for every variant: the same messages and ledger.
    var ledgerFormat: String { Self.profileName }

    var supportsFolderMode: Bool { true }

    /// The signature files as given (`--verify-certificate`, `--signing-key`, `--signing-certificate`).
    var signatureFiles = SimulatorSignatureFiles()
    /// Them loaded; a failure (a file gone since the options were checked) refuses every request
    /// rather than letting unsigned payments through.
    var signatures: Result<SimulatorSignatures, BankSimulatorOptionsError>?

    /// With the signature files of `options` loaded.
    func configured(for options: BankSimulatorOptions) -> any SimulatorProfile {
        var profile = self
        profile.signatureFiles = options.signatureFiles
        do {
            profile.signatures = try SimulatorSignatures.load(options.signatureFiles).map { .success($0) }
        } catch {
            profile.signatures = .failure(error)
        }
        return profile
    }

    /// The answer to a request: `handle` with the loaded signatures, its answer signed when the
    /// bank signs; a 500 when the signature files could not be loaded.
    private func signedAnswer(_ handle: (SimulatorSignatures?) async -> BankAnswer) async -> BankAnswer {
        switch signatures {
        case nil: return await handle(nil)
        case .success(let loaded): return loaded.sign(await handle(loaded))
        case .failure(let error): return .text(500, "simulator signature files unusable: \(error.message)", effect: .refusedForNow)
        }
    }

    /// The answer to a file of the inbox (folder mode), checked and signed as over HTTP.
    func folderAnswer(_ bytes: [UInt8], bank: SimulatedBank) async -> BankAnswer {
        await signedAnswer { await bank.receive(bytes, signatures: $0) }
    }

    /// The variant's accounts (the generic bank: one EUR account with 1,000,000.00). Every other
    /// valid account still opens on first use (without an accounts file).
    var accounts: [ProfileAccount] { variant.accounts }

    func addRoutes(to router: Router<SimulatorRequestContext>, bank: SimulatedBank) {
        router.post("payments") { request, context -> Response in
            var request = request
            let body = try await request.collectBody(upTo: ISO20022BankCodec.maxMessageBytes)
            let answer = await signedAnswer { await bank.receivePayment(Array(buffer: body), signatures: $0) }
            return try await SimulatorHTTPRoutes.deliver(answer, context: context)
        }
        router.post("status") { request, context -> Response in
            var request = request
            let body = try await request.collectBody(upTo: ISO20022BankCodec.maxMessageBytes)
            let answer = await signedAnswer { _ in await bank.answerStatusQuery(Array(buffer: body)) }
            return try await SimulatorHTTPRoutes.deliver(answer, context: context)
        }
        router.post("reports") { request, context -> Response in
            var request = request
            let body = try await request.collectBody(upTo: ISO20022BankCodec.maxMessageBytes)
            let answer = await signedAnswer { _ in await bank.answerReportRequest(Array(buffer: body)) }
            return try await SimulatorHTTPRoutes.deliver(answer, context: context)
        }
        router.get("sim/statements") { request, context -> Response in
            let query = request.uri.queryParameters
            let answer = await bank.answerStatementQuery(
                account: query.get("account"), from: query.get("from"), to: query.get("to"), format: query.get("format"))
            return try await SimulatorHTTPRoutes.deliver(answer, context: context)
        }
    }

    func gatewayConfiguration(endpoints: SimulatorEndpoints) -> String {
        let url = endpoints.url
        var tables = TOMLTables()
        let bankId = variant.bankId
        if let profile = variant.adapterProfile {
            tables.arrayTable("banks", ["id": bankId, "adapter": "iso20022", "profile": profile, "pain001_version": variant.painVersion,
                                        "transport": "http", "url": url])
        } else {
            tables.arrayTable("banks", ["id": bankId, "adapter": "iso20022", "pain001_version": variant.painVersion,
                                        "transport": "http", "url": url])
        }
        var signatureLines = ""
        if signatureFiles.verifyCertificate != nil { signatureLines += "signature = \"xmldsig\"\n" }
        if let certificate = signatureFiles.signingCertificate {
            signatureLines += "bank_certificate = \(TOMLTables.quoted(Self.absolute(certificate)))\n"
        }
        for account in accounts {
            tables.arrayTable("accounts", ["id": account.id, "bank": bankId, "number": account.number,
                                           "bank_code": account.bankCode, "name": account.name,
                                           "currency": account.openingBalance.currency.code])
        }
        var text = tables.text
        if !signatureLines.isEmpty, let end = text.range(of: "url = \(TOMLTables.quoted(url))\n") {
            text.insert(contentsOf: signatureLines, at: end.upperBound)
        }
        if let certificate = signatureFiles.verifyCertificate {
            text += """

                # The simulator checks every pain.001 against \(Self.absolute(certificate)): sign with its key.
                [[keys]]
                id = "\(bankId)-signing"
                bank = "\(bankId)"
                algorithm = "rsa-sha256"
                private_key = "KEY-OF-THAT-CERTIFICATE.pem"
                certificate = \(TOMLTables.quoted(Self.absolute(certificate)))
                accounts = [\(accounts.map { TOMLTables.quoted($0.id) }.joined(separator: ", "))]

                """
        }
        return text
    }

    /// `path` made absolute against the current directory.
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
