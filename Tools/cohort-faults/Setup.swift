import ArgumentParser
import CohortAPI
import CohortDomain
import CohortMapping
import Foundation
import GRPCCore

/// Schedules cohorts and opens their enrollment (idempotent: an existing cohort is fine).
struct Setup: AsyncParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Schedule cohorts and open their enrollment.")

  @OptionGroup var targets: Targets

  @Option(parsing: .upToNextOption, help: "Cohort numbers to schedule and open.")
  var cohorts: [Int32] = [1]

  @Option(help: "Seats per cohort.")
  var capacity: Int32 = 100_000

  @Option(help: "Append the request ids sent to this file (for `verify --sent`).")
  var sentOut: String?

  func run() async throws {
    let settings = try targets.settings()
    let numbers = cohorts
    let capacity = capacity
    let sent = Locked<[String]>([])
    try await Connections.with([settings[0]]) { clients in
      let service = Cohort_V1_EnrollmentService.Client(wrapping: clients[0])
      for number in numbers {
        let scheduling = UUID().uuidString.lowercased()
        let opening = UUID().uuidString.lowercased()
        sent.withLock { $0 += [scheduling, opening] }
        try await retrying("schedule cohort \(number)") {
          _ = try await service.scheduleCohort(
            .with {
              $0.requestID = scheduling
              $0.number = number
              $0.title = "fault cohort \(number)"
              // Free cohorts: the load is about enrollment, not payments.
              $0.price = try! Money(amountMinor: 0, currency: .krw).proto
              $0.capacity = capacity
              $0.startsOn = try! CalendarDate(iso: "2026-12-01").proto
              $0.endsOn = try! CalendarDate(iso: "2027-01-31").proto
            })
        }
        try await retrying("open cohort \(number)") {
          _ = try await service.openEnrollment(
            .with {
              $0.requestID = opening
              $0.cohortNumber = number
            })
        }
      }
    }
    if let sentOut { try Data(sent.value.map { $0 + "\n" }.joined().utf8).append(toFile: sentOut) }
    print("setup: cohorts \(numbers.map(String.init).joined(separator: ",")) scheduled and open, capacity \(capacity)")
  }

  /// Runs `body` until it succeeds or answers that the work is already done; retries when the
  /// server is unreachable for up to 30 s.
  private func retrying(_ what: String, _ body: () async throws -> Void) async throws {
    let deadline = ContinuousClock.now + .seconds(30)
    while true {
      do {
        try await body()
        return
      } catch let error as RPCError where [.alreadyExists, .failedPrecondition].contains(error.code) {
        return
      } catch let error as RPCError where [.unavailable, .aborted, .deadlineExceeded].contains(error.code) {
        guard ContinuousClock.now < deadline else { throw error }
        try await Task.sleep(for: .milliseconds(200))
      } catch {
        print("setup: \(what) failed: \(error)")
        throw error
      }
    }
  }
}
