import BankGateAdapters
import ArgumentParser
import BankGateConfig
import BankGateCore
import BankGateEngine
import Foundation
import BankGateRuntime

/// `bankgate messages`: work with bank messages offline.
struct MessagesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "messages", abstract: "Bank messages, offline.", subcommands: [Render.self, Codes.self])

    /// `bankgate messages render`: the message that would be sent for a batch, without sending it or
    /// touching the store (for bank onboarding, tests and benchmarks).
    struct Render: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "render",
            abstract: "Write the bank message for a batch of payment requests, without sending anything.",
            discussion: "The input is a JSON array of payment request bodies as POST /v1/payments takes them; they must share one debtor account at BANK_ID.")

        @Option(help: ArgumentHelp("The configuration file.", valueName: "file")) var config: String
        @Option(help: ArgumentHelp("The configured bank.", valueName: "bank-id")) var bank: String
        @Option(help: ArgumentHelp("The bank's name of its payment message: pain.001.001.09 or pain.001.001.03 (ISO 20022), DCPAYMNT (CMB), b2e0078 (BOC payroll) … (default: the bank's payment message).", valueName: "kind")) var message: String?
        @Option(help: ArgumentHelp("JSON array of payment requests.", valueName: "file")) var input: String
        @Option(help: ArgumentHelp("Where to write the message (default: standard output).", valueName: "file")) var out: String?
        @Option(name: .customLong("message-id"), help: "MsgId to use (default: generated).") var messageId: String?

        func run() async throws {
            let configuration: BankGateConfiguration
            do {
                configuration = try BankGateConfiguration.load(path: config)
            } catch {
                throw commandFailure("invalid configuration\n\(error)")
            }
            guard var bankConfig = configuration.bank(id: bank) else { throw commandFailure("no bank \(bank) in \(config)") }
            if let message, bankConfig.adapter == "iso20022" {
                bankConfig.pain001Version = message
                bankConfig.pain001VersionGiven = true
            }
            var single = configuration
            single.banks = [bankConfig]
            single.accounts = configuration.accounts.filter { $0.bank == bank }
            let connection: BankConnection
            do {
                // Messages signed with a key of ours are rendered signed, as they would be sent.
                let keys = SigningKeyInventory.inspect(configuration.keys.filter { $0.bank == bank }, at: SystemClock().now())
                guard let made = try BankConnections.make(single, signingKeys: keys).first else { throw commandFailure("no bank \(bank)") }
                connection = made
            } catch let error as BankConnections.SetupError {
                throw commandFailure("\(error)")
            }

            guard let data = FileManager.default.contents(atPath: input) else { throw commandFailure("cannot read \(input)") }
            // The API's intake reader, not JSONDecoder: it was half of this command's time.
            let bodies: [PaymentRequestBody]
            do {
                bodies = try data.withUnsafeBytes { bytes throws(GatewayError) in try PaymentRequestBody.parseList(json: bytes) }
            } catch {
                throw commandFailure("\(input): \(error)")
            }
            var accounts: [String: AccountInfo] = [:]
            for account in single.accounts { accounts[account.id] = AccountInfo(account: account.debtorAccount(), active: account.active) }
            let now = SystemClock().now()
            let requests: [PaymentRequest]
            do {
                requests = try PaymentRequestValidator(accounts: accounts, today: now).validateBatch(bodies)
            } catch {
                throw commandFailure("\(input): \(error)")
            }
            // A payroll when the bank's payroll message is asked for (`b2e0078`), else payments.
            let payrolls = connection.adapter as? any PayrollAdapter
            let asPayroll = message.map { name in payrolls.map { $0.payrollMessageKind.hasSuffix("." + name) } ?? false } ?? false
            if asPayroll, let payrolls, requests.count > payrolls.payrollLinesPerMessage {
                throw commandFailure("\(input): one \(message ?? "payroll") message carries at most "
                    + "\(payrolls.payrollLinesPerMessage) line(s); the gateway sends a longer payroll as several messages")
            }
            do {
                if asPayroll, let payrolls, let debtor = connection.accounts[requests[0].debtorAccountId] {
                    try GatewayEngine.checkPayroll(requests, adapter: payrolls, debtor: debtor) { "[\($0)]." }
                }
                for (index, request) in requests.enumerated() where !asPayroll {
                    guard let debtor = connection.accounts[request.debtorAccountId] else { continue }
                    try GatewayEngine.checkPayment(request, adapter: connection.adapter,
                                                   requirements: connection.adapter.paymentFieldRequirements, debtor: debtor,
                                                   prefix: "[\(index)].")
                }
            } catch {
                throw commandFailure("\(input): \(error)")
            }
            guard let debtor = connection.accounts[requests[0].debtorAccountId] else {
                throw commandFailure("debtor account \(requests[0].debtorAccountId) is not an account at \(bank)")
            }
            let msgId = messageId ?? IdentifierFactory.make("BGM")
            let paymentMessage = PaymentMessage(
                messageId: msgId, paymentInfoId: msgId + "-1", createdAt: now,
                requestedExecutionDate: requests[0].requestedExecutionDate ?? now.dateString, debtor: debtor,
                initiatingPartyName: debtor.name,
                transfers: requests.indices.map { index in
                    let request = requests[index], number = String(index + 1)
                    // As the engine makes them: the bank's reference field takes nothing else (ABC's
                    // ReqSeqNo is letters and digits only, CCB's REQUEST_SN digits).
                    let instructionId = IdentifierFactory.makeInstructionId(connection.adapter.clientReferenceFormat, now: now)
                    return CreditTransfer(paymentId: "render-" + number, instructionId: instructionId,
                                          endToEndId: request.endToEndId ?? msgId + "-E" + number, amount: request.amount,
                                          creditor: request.creditor, remittanceInfo: request.remittanceInfo,
                                          details: request.details)
                })
            let encoded: EncodedMessage
            do {
                if asPayroll, let payrolls {
                    encoded = try payrolls.encodePayroll(paymentMessage)
                } else {
                    encoded = try connection.adapter.encodePayment(paymentMessage)
                }
            } catch {
                throw commandFailure("cannot encode: \(error)")
            }
            // The bank's own name of its payment message (`DCPAYMNT`, `6W8060`, `pain.001.001.03` …).
            if let message, message != encoded.kind, !encoded.kind.hasSuffix("." + message) {
                throw commandFailure("bank \(bank) (adapter \(bankConfig.adapter)) writes \(encoded.kind) for these payments, not \(message)")
            }
            // The bytes as sent (before payload encryption): sealed in the bank's envelope (CCB's
            // form …), signed first with our key where the bank wants it. A document the bank's own client signs (ICBC's NetSafe Client)
            // is written as the client is given it.
            var sent = encoded
            do {
                if !connection.adapter.needsSignature(encoded) {
                    sent = try connection.adapter.sealedBeforeEncryption(encoded, signature: nil, at: now)
                } else if let signer = connection.signer as? KeySigner {
                    let signature = try await signer.sign(try connection.adapter.signable(encoded))
                    sent = try connection.adapter.sealedBeforeEncryption(encoded, signature: signature, at: now)
                }
            } catch {
                throw commandFailure("cannot sign or seal: \(error)")
            }
            guard FileDescriptorOutput.store(sent.bytes, to: out) else { throw commandFailure("cannot write \(out ?? "standard output")") }
        }
    }
}
