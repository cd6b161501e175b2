import CohortAPI
import CohortDomain
import CohortMapping
import Foundation
import GRPCCore

/// Prepares cohorts through the public API, as an operator would with the CLI.
enum CohortSetup {
  /// Schedules cohort `number` with `capacity` seats and opens its enrollment.
  static func scheduleAndOpen(_ client: Client, number: Int32, capacity: Int32, title: String) async throws {
    let cohorts = Cohort_V1_EnrollmentService.Client(wrapping: client)
    do {
      _ = try await cohorts.scheduleCohort(
        .with {
          $0.requestID = UUID().uuidString
          $0.number = number
          $0.title = title
          // A free cohort: the load is about enrollment, not payments.
          $0.price = try! Money(amountMinor: 0, currency: .krw).proto
          $0.capacity = capacity
          $0.startsOn = try! CalendarDate(iso: "2027-01-04").proto
          $0.endsOn = try! CalendarDate(iso: "2027-03-26").proto
        }, options: ClosedLoop.setupCallOptions)
    } catch let error as RPCError where error.code == .alreadyExists || error.code == .failedPrecondition {
      throw BenchFailure(
        "cohort \(number) cannot be scheduled (\(error.code): \(error.message)); pick unused cohort numbers")
    } catch {
      throw BenchFailure.rpc("ScheduleCohort", error)
    }
    do {
      _ = try await cohorts.openEnrollment(
        .with {
          $0.requestID = UUID().uuidString
          $0.cohortNumber = number
        }, options: ClosedLoop.setupCallOptions)
    } catch {
      throw BenchFailure.rpc("OpenEnrollment", error)
    }
  }

  /// A run label that keeps e-mails unique across runs against the same server.
  static func runLabel() -> String {
    String(UUID().uuidString.lowercased().prefix(8))
  }
}
