import ArgumentParser
import BankGateConfig
import BankGateCore
import Foundation

/// `bankgate schedules list|jobs|run|create|delete`: the plans, their jobs, a run now, plans made through the API, through
/// the running daemon.
struct SchedulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedules",
        abstract: "Show the [[schedules]] plans and their jobs, or run one now, through the running daemon.",
        subcommands: [List.self, Jobs.self, Run.self, Create.self, Delete.self, Job.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List plans with their last and next run.")
        @OptionGroup var connection: ConnectionOptions
        @Flag(help: "Print the API's JSON.") var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let body = try await connection.client(preferring: [.operate]).get("/v1/schedules")
                if json { return printRaw(body) }
                let plans = try JSONDocument(body).list("schedules")
                guard !plans.isEmpty else { return print("No schedules.") }
                var table = TextTable("NAME", "KIND", "AT", "DAYS", "LAST RUN", "OUTCOME", "NEXT RUN")
                for plan in plans {
                    let last = plan.child("last_job")
                    table.add(orDash(plan.string("name")), orDash(plan.string("kind")), (plan.strings("at") ?? []).joined(separator: ","),
                              orDash(plan.string("days")), orDash(last?.string("started_at")), orDash(last?.string("outcome")),
                              orDash(plan.string("next_run")))
                }
                print(table.render())
            }
        }
    }

    struct Jobs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "jobs", abstract: "List a plan's jobs, the latest first.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The plan's name.") var name: String
        @Option(help: "At most this many (1-1000).") var limit: Int = 50
        @Flag(help: "Print the API's JSON.") var json = false

        func validate() throws {
            if !(1...1000).contains(limit) { throw ValidationError("--limit must be from 1 to 1000") }
        }

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let body = try await connection.client(preferring: [.operate])
                    .get("/v1/schedules/\(OperatorClient.escape(name))/jobs?limit=\(limit)")
                if json { return printRaw(body) }
                let jobs = try JSONDocument(body).list("jobs")
                guard !jobs.isEmpty else { return print("No jobs.") }
                var table = TextTable("ID", "OCCURRENCE", "TRIGGER", "STARTED", "FINISHED", "OUTCOME", "ERROR")
                for job in jobs {
                    table.add(orDash(job.string("id")), orDash(job.string("occurrence")), orDash(job.string("trigger")),
                              orDash(job.string("started_at")), orDash(job.string("finished_at")), orDash(job.string("outcome")),
                              orDash(job.string("error")))
                }
                print(table.render())
            }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a plan now (audited) and show its tasks.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The plan's name.") var name: String
        @Flag(help: "Print the API's JSON.") var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let body = try await connection.client(preferring: [.operate]).post("/v1/schedules/\(OperatorClient.escape(name))/run")
                let job = try JSONDocument(body)
                // A job that failed (whole or in part) ends the command with status 8, for scripts.
                let outcome = job.string("outcome") ?? ""
                let failure = outcome == "failed" || outcome == "partial"
                    ? OperatorFailure(message: "job \(orDash(job.string("id"))) of \(name): \(outcome)", exitCode: OperatorFailure.jobFailed)
                    : nil
                if json {
                    printRaw(body)
                    if let failure { throw failure }
                    return
                }
                print("\(orDash(job.string("id"))) \(orDash(job.string("schedule"))): \(orDash(job.string("outcome")))"
                      + (job.string("error").map { " (\($0))" } ?? ""))
                let tasks = job.list("tasks")
                if tasks.isEmpty {
                    print("No tasks.")
                } else {
                    var table = TextTable("KIND", "ACCOUNT", "PAYMENT", "OUTCOME", "DETAIL")
                    for task in tasks {
                        table.add(orDash(task.string("kind")), orDash(task.string("account")), orDash(task.string("payment_id")),
                                  orDash(task.string("outcome")), orDash(task.string("detail")))
                    }
                    print(table.render())
                }
                if let failure { throw failure }
            }
        }
    }
}
