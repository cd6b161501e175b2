import ArgumentParser
import CohortServer
import EventStore
import EventStorePostgres
import Foundation
import Logging

/// `cohort-bench load`: writes cohorts straight into a PostgreSQL event log through
/// `PostgresEventStore` (the same append path as cohortd), for the rebuild measurement.
///
/// Each cohort is one append of its whole stream (CohortScheduled, EnrollmentOpened, then the
/// members); several appends are in flight at once so that group commit puts thousands of
/// events into each transaction.
struct LoadCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "load",
    abstract: "Write cohorts of enrolled members straight into a PostgreSQL event log (setup for the rebuild).")

  @OptionGroup var database: DatabaseOptions

  @Option(help: "Events to write in all.")
  var events = 1_000_000

  @Option(name: .customLong("members-per-cohort"), help: "MemberEnrolled events per cohort.")
  var membersPerCohort = 300

  @Option(name: .customLong("first-cohort"), help: "The first cohort number; the next ones follow (must be unused).")
  var firstCohort = 1

  @Option(help: "Appends in flight at once.")
  var concurrency = 8

  func validate() throws {
    guard events > 0 else { throw ValidationError("--events must be positive") }
    guard membersPerCohort >= 0, membersPerCohort + 2 <= AppendRules.maximumEvents else {
      throw ValidationError("--members-per-cohort must be 0 to \(AppendRules.maximumEvents - 2)")
    }
    guard firstCohort > 0 else { throw ValidationError("--first-cohort must be positive") }
    guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be 1 to 64") }
  }

  func run() async throws {
    let perCohort = membersPerCohort + 2
    let cohorts = (events + perCohort - 1) / perCohort
    // The last cohort is shorter so that the total is exactly `events` (at least its two opening events).
    let plan: [SyntheticCohort] = (0..<cohorts).map { index in
      let remaining = events - index * perCohort
      return SyntheticCohort(
        tenantID: Bootstrap.firstTenantID, number: firstCohort + index,
        members: min(membersPerCohort, max(remaining - 2, 0)))
    }
    let total = plan.reduce(0) { $0 + $1.members + 2 }
    let tokenID = UUID()
    let (width, started) = (concurrency, ContinuousClock.now)
    progress("load: \(total) events in \(cohorts) cohorts of up to \(perCohort) events, \(width) appends in flight")

    try await database.withStore { store in
      let encoder = try await StoredEnrollmentEvents(keys: store)
      let memberIDs = try await SyntheticCohort.memberIDs(
        membersPerCohort, tenantID: Bootstrap.firstTenantID, encoder: encoder)
      try await withThrowingTaskGroup(of: Int.self) { group in
        var written = 0
        var reported = 0
        var inFlight = 0
        for cohort in plan {
          if inFlight == width {
            written += try await group.next() ?? 0
            inFlight -= 1
          }
          inFlight += 1
          group.addTask {
            let events = try cohort.events(tokenID: tokenID, encoder: encoder, memberIDs: memberIDs)
            do {
              _ = try await store.append(events, to: cohort.stream, expecting: .noStream)
            } catch {
              throw BenchFailure("append to \(cohort.stream) failed: \(String(reflecting: error))")
            }
            return events.count
          }
          if written - reported >= total / 10 {
            reported = written
            progress("load: \(written) of \(total) events")
          }
        }
        for try await count in group { written += count }
      }
      let head = try await store.headPosition()
      progress("load: the log's head position is \(head)")
    }
    let (seconds, attoseconds) = (ContinuousClock.now - started).components
    var report = BenchReport(workload: "load", seconds: Double(seconds) + Double(attoseconds) / 1e18, count: total)
    report.details = ["cohorts": Double(cohorts), "members_per_cohort": Double(membersPerCohort)]
    try report.emit()
  }
}
