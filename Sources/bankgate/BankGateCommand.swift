import ArgumentParser

/// `bankgate`: the gateway daemon, the bank simulator and the operator commands.
@main
struct BankGateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bankgate",
        abstract: "Bank-enterprise connectivity gateway: durable payment intake, exactly-once dispatch to banks, statements and reconciliation.",
        subcommands: [ServeCommand.self, BankSimCommand.self, StatusCommand.self, PaymentsCommand.self, MessagesCommand.self,
                      StatementsCommand.self, ReconcileCommand.self, ReceiptsCommand.self, WebhooksCommand.self, KeysCommand.self,
                      AuditCommand.self, TokensCommand.self, AccountsCommand.self, AlertsCommand.self,
                      ApprovalsCommand.self, SchedulesCommand.self,
                      DoctorCommand.self, BackupCommand.self, RestoreCommand.self, ExportCommand.self, ImportCommand.self,
                      ExchangesCommand.self, BalancesCommand.self, TransactionsCommand.self, ExpectedPaymentsCommand.self,
                      EventsCommand.self,
                      // Issue 12, the CLI covers every API route (CLICoverageTests):
                      WhoamiCommand.self, TenantCommand.self, ConfigurationCommand.self, StatsCommand.self,
                      ReceiptExportsCommand.self, HealthCommand.self])

    /// Usage errors exit with 2 (ArgumentParser's default is 64).
    static func main() async {
        await OperatorCommandLine.main(BankGateCommand.self)
    }
}
