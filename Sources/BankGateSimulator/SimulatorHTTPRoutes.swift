import BankGateCore
import Foundation
import Hummingbird

/// The request context of the simulator's HTTP server. It keeps a way to close the connection the
/// request came on, for the drop-after-execute fault.
struct SimulatorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Closes the request's connection at once, without a response.
    let closeConnection: @Sendable () async -> Void

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        let channel = source.channel
        closeConnection = { try? await channel.close() }
    }

    /// Bodies up to 64 MiB (large batches).
    var maxUploadSize: Int { ISO20022BankCodec.maxMessageBytes }
}

/// The simulator's HTTP routes: the profile's bank-facing routes (ISO 20022: `POST /payments`,
/// `POST /status`, `POST /reports`, `GET /sim/statements`; CMB: `POST` to any path), and for every profile:
/// - `GET /sim/ledger[?msg_id=…]`: executed transfers as JSON.
/// - `GET /sim/accounts`: accounts as JSON.
/// - `GET /healthz`: `{"status":"ok"}`.
enum SimulatorHTTPRoutes {
    static func router(bank: SimulatedBank, profile: any SimulatorProfile) -> Router<SimulatorRequestContext> {
        let router = Router(context: SimulatorRequestContext.self)
        profile.addRoutes(to: router, bank: bank)
        router.get("sim/ledger") { request, _ -> Response in
            let messageId = request.uri.queryParameters.get("msg_id")
            let transfers = try await bank.transfers(messageId: messageId)
            return try json(LedgerDocument(transfers: transfers.map(LedgerDocument.Transfer.init)))
        }
        router.get("sim/accounts") { _, _ -> Response in
            let accounts = try await bank.accounts()
            return try json(AccountsDocument(accounts: accounts.map(AccountsDocument.Account.init)))
        }
        router.get("healthz") { _, _ -> Response in
            try json(["status": "ok"])
        }
        return router
    }

    /// Sends `answer`, or closes the connection without a word for the drop-after-execute fault.
    static func deliver(_ answer: BankAnswer, context: SimulatorRequestContext) async throws -> Response {
        if answer.delivery == .dropConnection {
            // The transfers are committed; the client only sees the connection go away. Writing the
            // empty response afterwards fails on the closed channel, which ends the connection.
            await context.closeConnection()
            return Response(status: .internalServerError)
        }
        var headers = HTTPFields()
        headers[.contentType] = answer.contentType
        return Response(status: HTTPResponse.Status(code: answer.httpStatus), headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    private static func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: Array(data))))
    }
}

/// `GET /sim/ledger`: `{"transfers": [...]}` with snake_case names (outside checks rely on them).
struct LedgerDocument: Encodable {
    struct Transfer: Encodable {
        var messageId: String
        var paymentInformationId: String
        var instructionId: String?
        var endToEndId: String
        var debtorAccount: String
        var creditorAccount: String
        /// Decimal string with the currency's number of decimals, e.g. `"1250.00"`.
        var amount: String
        var currency: String
        /// ISO 8601 UTC with milliseconds.
        var executedAt: String

        enum CodingKeys: String, CodingKey {
            case messageId = "msg_id", paymentInformationId = "pmt_inf_id", instructionId = "instr_id"
            case endToEndId = "end_to_end_id", debtorAccount = "debtor_account", creditorAccount = "creditor_account"
            case amount, currency, executedAt = "executed_at"
        }

        init(_ transfer: LedgerTransfer) {
            messageId = transfer.messageId
            paymentInformationId = transfer.paymentInformationId
            instructionId = transfer.instructionId
            endToEndId = transfer.endToEndId
            debtorAccount = transfer.debtorAccount
            creditorAccount = transfer.creditorAccount
            amount = transfer.amount.decimalString
            currency = transfer.amount.currency.code
            executedAt = transfer.executedAt.iso8601
        }
    }

    var transfers: [Transfer]
}

/// `GET /sim/accounts`: `{"accounts": [{"number", "currency", "balance", "status"}]}`.
struct AccountsDocument: Encodable {
    struct Account: Encodable {
        var number: String
        var currency: String
        var balance: String
        var status: String

        init(_ account: SimulatedAccount) {
            number = account.number
            currency = account.currency.code
            balance = account.balance.decimalString
            status = account.status.rawValue
        }
    }

    var accounts: [Account]
}
