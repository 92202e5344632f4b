import ArgumentParser
import BankGateConfig

extension SchedulesCommand {
    /// `schedules job ID`: `GET /v1/schedule-jobs/{id}`, one job (调度作业) with its tasks (调度任务).
    struct Job: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "job", abstract: "Show one job of a plan with its tasks.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The job id (sjb_…).") var id: String
        @Flag(help: "Print the API's JSON.") var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let body = try await connection.client(preferring: [.operate]).get("/v1/schedule-jobs/\(OperatorClient.escape(id))")
                if json { return printRaw(body) }
                let job = try JSONDocument(body)
                var text = labelledLines([
                    ("Job", orDash(job.string("id"))), ("Plan", orDash(job.string("schedule"))),
                    ("Occurrence", job.string("occurrence")), ("Trigger", job.string("trigger")), ("Actor", job.string("actor")),
                    ("Started", job.string("started_at")), ("Finished", job.string("finished_at")),
                    ("Outcome", orDash(job.string("outcome"))), ("Error", job.string("error")),
                ])
                let tasks = job.list("tasks")
                var table = TextTable("KIND", "ACCOUNT", "PAYMENT", "OUTCOME", "DETAIL", "AT")
                for task in tasks {
                    table.add(orDash(task.string("kind")), orDash(task.string("account")), orDash(task.string("payment_id")),
                              orDash(task.string("outcome")), orDash(task.string("detail")), orDash(task.string("at")))
                }
                text += "\n\n" + (tasks.isEmpty ? "No tasks." : "Tasks\n" + table.render())
                print(text)
            }
        }
    }
}
