import ArgumentParser
import CohortAPI
import Foundation

/// `cohort-bench append`: 1-event commands (Enroll of a new member) from N concurrent clients,
/// each into its own open cohort, so that clients never contend for one stream.
struct AppendCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "append",
    abstract: "Enroll new members (one MemberEnrolled event per call) from N clients, each into its own cohort.")

  @OptionGroup var server: ServerOptions
  @OptionGroup var load: LoadOptions

  @Option(
    name: .customLong("first-cohort"),
    help:
      "Cohort numbers first-cohort ..< first-cohort+clients are scheduled and opened for this run; they must be unused."
  )
  var firstCohort: Int32

  @Option(help: "Seats per cohort: large, so that every call enrolls rather than waitlists.")
  var capacity: Int32 = 100_000

  @Option(
    name: .customLong("people-label"),
    help:
      "The label in the members' e-mail addresses (fresh by default, so every call registers somebody new). An earlier run's label enrolls the people it registered (as many as it enrolled per client), this time into this run's cohorts."
  )
  var peopleLabel: String?

  func validate() throws {
    guard firstCohort > 0, Int(firstCohort) + load.clients < Int(Int32.max) else {
      throw ValidationError("--first-cohort must be positive and leave room for --clients cohorts")
    }
  }

  func run() async throws {
    let settings = try server.settings()
    let label = peopleLabel ?? CohortSetup.runLabel()
    progress("append: members' e-mail label \(label)")
    let clients = load.clients
    let first = firstCohort
    progress("append: scheduling and opening cohorts \(first)..<\(Int(first) + clients) (capacity \(capacity))")
    try await settings.withClient { client in
      for worker in 0..<clients {
        try await CohortSetup.scheduleAndOpen(
          client, number: first + Int32(worker), capacity: capacity, title: "bench \(label) client \(worker)")
      }
    }
    progress("append: \(clients) clients for \(load.warmup) s warm-up + \(load.seconds) s")
    let summary = try await load.closedLoop.run(settings: settings, name: "Enroll") {
      client, options, worker, sequence in
      let reply = try await Cohort_V1_EnrollmentService.Client(wrapping: client).enroll(
        .with {
          $0.requestID = UUID().uuidString
          $0.cohortNumber = first + Int32(worker)
          $0.name = "Bench Member \(worker)-\(sequence)"
          $0.email = "m\(sequence).w\(worker).\(label)@bench.example.org"
        }, options: options)
      guard reply.outcome == .enrolled, reply.reply.eventTypes.count == 1 else {
        throw BenchFailure(
          "Enroll answered \(reply.outcome) with events \(reply.reply.eventTypes), expected one MemberEnrolled")
      }
    }
    var report = BenchReport(workload: "append", rpc: "Enroll", clients: clients, summary: summary)
    report.details["deadline_s"] = load.deadline
    try report.emit()
  }
}
