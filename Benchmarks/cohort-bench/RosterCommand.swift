import ArgumentParser
import CohortAPI
import Foundation

/// `cohort-bench roster`: schedules a cohort and fills it with members through the API, for the
/// query workload.
struct RosterCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "roster", abstract: "Schedule and open a cohort, then enroll members into it (setup for `query`).")

  @OptionGroup var server: ServerOptions

  @Option(help: "The cohort number (must be unused).")
  var cohort: Int32

  @Option(help: "Members to enroll (the capacity is the same).")
  var members: Int32 = 300

  @Option(help: "Enrollments in flight at once.")
  var concurrency = 8

  func validate() throws {
    guard cohort > 0 else { throw ValidationError("--cohort must be positive") }
    guard members > 0 else { throw ValidationError("--members must be positive") }
    guard concurrency > 0 else { throw ValidationError("--concurrency must be positive") }
  }

  func run() async throws {
    let settings = try server.settings()
    let label = CohortSetup.runLabel()
    let (number, count, width) = (cohort, Int(members), concurrency)
    let started = ContinuousClock.now
    try await settings.withClient { client in
      try await CohortSetup.scheduleAndOpen(client, number: number, capacity: members, title: "bench roster \(label)")
      let cohorts = Cohort_V1_EnrollmentService.Client(wrapping: client)
      try await withThrowingTaskGroup(of: Void.self) { group in
        for index in 0..<count {
          if index >= width { try await group.next() }
          group.addTask {
            do {
              _ = try await cohorts.enroll(
                .with {
                  $0.requestID = UUID().uuidString
                  $0.cohortNumber = number
                  $0.name = "회원 \(index)"
                  $0.email = "member\(index).\(label)@bench.example.org"
                }, options: ClosedLoop.setupCallOptions)
            } catch {
              throw BenchFailure.rpc("Enroll", error)
            }
          }
        }
        try await group.waitForAll()
      }
    }
    let (seconds, attoseconds) = (ContinuousClock.now - started).components
    try BenchReport(workload: "roster", seconds: Double(seconds) + Double(attoseconds) / 1e18, count: count).emit()
  }
}
