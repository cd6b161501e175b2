import CohortAPI
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
          $0.price = .with {
            $0.amountMinor = 200_000
            $0.currency = "KRW"
          }
          $0.capacity = capacity
          $0.startsOn = .with {
            $0.year = 2027
            $0.month = 1
            $0.day = 4
          }
          $0.endsOn = .with {
            $0.year = 2027
            $0.month = 3
            $0.day = 26
          }
        }, options: ClosedLoop.callOptions)
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
        }, options: ClosedLoop.callOptions)
    } catch {
      throw BenchFailure.rpc("OpenEnrollment", error)
    }
  }

  /// A run label that keeps e-mails unique across runs against the same server.
  static func runLabel() -> String {
    String(UUID().uuidString.lowercased().prefix(8))
  }
}
