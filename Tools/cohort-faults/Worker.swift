import CohortAPI
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2

/// One load client: a loop of enrollments (and some withdrawals), each retried with its request
/// id until acknowledged, refused with a final status, or out of time.
struct Worker: Sendable {
  let index: Int
  let plan: Load.Plan
  let services: [Cohort_V1_EnrollmentService.Client<HTTP2ClientTransport.Posix>]
  let tally: Tally

  /// Statuses after which the same request is sent again.
  private static let transient: Set<String> = [
    "UNAVAILABLE", "DEADLINE_EXCEEDED", "ABORTED", "CLIENT_ERROR", "CANCELLED",
  ]

  private struct Attempted {
    var ending: LoadReport.Request.Ending
    var status: String
    var attempts: Int
  }

  func run(started: Locked<Int>, record: (LoadReport.Request) -> Void) async {
    var sequence = 0
    var enrolled: [(cohort: Int32, email: String, memberID: String)] = []
    var acknowledged = 0
    while true {
      if let end = plan.end, ContinuousClock.now >= end { break }
      if plan.total > 0 {
        let go = started.withLock { count in
          guard count < plan.total else { return false }
          count += 1
          return true
        }
        if !go { break }
      }
      sequence += 1
      let cohort = plan.cohorts[(index + sequence) % plan.cohorts.count]
      let email = "\(plan.label)-c\(index)-\(sequence)@faults.example"
      let requestID = UUID().uuidString.lowercased()
      var reply: Cohort_V1_EnrollReply?
      let attempted = await attempt(requestID: requestID, rpc: "Enroll") { service, options in
        reply = try await service.enroll(
          .with {
            $0.requestID = requestID
            $0.cohortNumber = cohort
            $0.name = "Member \(index)-\(sequence)"
            $0.email = email
          }, options: options)
      }
      record(
        .init(
          kind: .enroll, requestID: requestID, cohort: cohort, email: email, memberID: reply?.memberID,
          ending: attempted.ending, status: attempted.status, position: reply?.reply.position,
          outcome: reply.map { $0.outcome == .waitlisted ? "waitlisted" : "enrolled" }, attempts: attempted.attempts))
      guard let reply else { continue }
      enrolled.append((cohort, email, reply.memberID))
      acknowledged += 1

      if plan.withdrawEvery > 0, acknowledged % plan.withdrawEvery == 0, !enrolled.isEmpty {
        let leaving = enrolled.removeFirst()
        let withdrawID = UUID().uuidString.lowercased()
        var withdrawal: Cohort_V1_WithdrawReply?
        let result = await attempt(requestID: withdrawID, rpc: "Withdraw") { service, options in
          withdrawal = try await service.withdraw(
            .with {
              $0.requestID = withdrawID
              $0.cohortNumber = leaving.cohort
              $0.email = leaving.email
              $0.reason = "fault suite"
            }, options: options)
        }
        record(
          .init(
            kind: .withdraw, requestID: withdrawID, cohort: leaving.cohort, email: leaving.email,
            memberID: leaving.memberID, ending: result.ending, status: result.status,
            position: withdrawal?.reply.position, outcome: withdrawal?.promotedMemberID, attempts: result.attempts))
      }
    }
  }

  /// Sends one request until it is acknowledged, finally refused, or out of time. Each attempt
  /// goes to the next server in turn (with several servers, attempts alternate between them).
  private func attempt(
    requestID: String, rpc: String,
    _ send: (Cohort_V1_EnrollmentService.Client<HTTP2ClientTransport.Posix>, CallOptions) async throws -> Void
  ) async -> Attempted {
    let deadline = ContinuousClock.now + plan.requestDeadline
    var attempts = 0
    var pause = Duration.milliseconds(20)
    var last = "none"
    while true {
      attempts += 1
      let service = services[(index + attempts) % services.count]
      var options = CallOptions.defaults
      options.timeout = plan.attemptTimeout
      do {
        try await send(service, options)
        tally.record(StatusName.ok, key: rpc)
        return Attempted(ending: .acknowledged, status: StatusName.ok, attempts: attempts)
      } catch {
        let (status, message) = StatusName.of(error: error)
        // A cohort whose seats and waitlist are all taken refuses more, rightly: FULL, not a failure.
        let name = status == "FAILED_PRECONDITION" && message.contains("so is its waitlist") ? "FULL" : status
        tally.record(name, key: rpc, message: message)
        last = name
        let retry = Self.transient.contains(name) || (plan.retryInternal && (name == "INTERNAL" || name == "UNKNOWN"))
        guard retry else { return Attempted(ending: .rejected, status: name, attempts: attempts) }
      }
      guard ContinuousClock.now + pause < deadline else {
        return Attempted(ending: .gaveUp, status: last, attempts: attempts)
      }
      try? await Task.sleep(for: pause)
      pause = min(pause * 2, .milliseconds(500))
    }
  }
}
