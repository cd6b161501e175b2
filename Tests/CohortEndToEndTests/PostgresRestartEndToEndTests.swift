import CohortAPI
import CohortCLI
import CohortClient
import EventStoreTesting
import Foundation
import GRPCCore
import Testing

/// cohortd's database goes away under it and comes back: commands are answered UNAVAILABLE while
/// it is gone (promptly, never by the client's own deadline), and the same server process serves
/// again within seconds of its return, with nothing acknowledged lost. On a PostgreSQL server of
/// the test's own, so that stopping it disturbs no other test.
@Suite(
  "cohortd when PostgreSQL restarts",
  .enabled(
    if: PostgresE2E.url != nil || PostgresE2E.required,
    "set COHORT_TEST_POSTGRES_E2E_URL (Scripts/test.sh does; it also starts the server this test stops)"))
struct PostgresRestartEndToEndTests {
  /// The store's documented wait for a connection (``PostgresEventStore/Configuration``), plus
  /// room for a loaded machine.
  static let unavailableBound = Duration.seconds(3) + .seconds(4)

  @Test("Enroll is answered UNAVAILABLE while PostgreSQL is stopped and acknowledged again soon after it is back")
  func restart() async throws {
    try await ThrowawayPostgres.withServer { postgres in
      let server = try await TestServer.start(databaseURL: postgres.url)
      let owner = try server.ownerSession()
      _ = try await cohort(
        "cohorts", "schedule", "--number", "7", "--title", "AI 활용 부트캠프 7기", "--price", "0",
        "--capacity", "300", "--starts", "2027-03-01", "--ends", "2027-04-30", in: owner)
      _ = try await cohort("cohorts", "open", "7", in: owner)
      let settings = server.settings(token: try server.ownerToken)
      #expect(try await enroll(settings, member: 0).failure == nil)

      try postgres.pause()
      for member in 1...3 {
        let started = ContinuousClock.now
        let failure = try await enroll(settings, member: member).failure
        let took = ContinuousClock.now - started
        #expect(failure == .unavailable, "enrollment \(member) while PostgreSQL was stopped")
        #expect(took < Self.unavailableBound, "enrollment \(member) was answered after \(took)")
      }

      try postgres.resume()
      let back = ContinuousClock.now
      var acknowledged: Int64?
      var member = 4
      while acknowledged == nil, ContinuousClock.now - back < .seconds(30) {
        switch try await enroll(settings, member: member) {
        case .acknowledged(let position):
          acknowledged = position
        case .failed(let failure):
          #expect(failure == .unavailable, "after PostgreSQL came back")
          try await Task.sleep(for: .milliseconds(200))
        }
        member += 1
      }
      let recovery = ContinuousClock.now - back
      let position = try #require(acknowledged, "no enrollment was acknowledged within 30 s of PostgreSQL's return")
      #expect(recovery < .seconds(10), "the server served again only after \(recovery)")

      // The enrollments acknowledged before and after are both in the roster.
      let roster = try await settings.withClient { client in
        try await Cohort_V1_EnrollmentService.Client(wrapping: client).getCohort(
          .with {
            $0.cohortNumber = 7
            $0.consistency.minPosition = position
          })
      }
      let emails = Set(roster.members.map(\.email))
      #expect(emails.contains(Self.email(0)) && emails.contains(Self.email(member - 1)))
      try await server.stop()
    }
  }

  private enum Answer {
    case acknowledged(position: Int64)
    case failed(RPCError.Code)

    var failure: RPCError.Code? {
      if case .failed(let code) = self { code } else { nil }
    }
  }

  /// Enrolls a member with one attempt and a 20 s deadline.
  private func enroll(_ settings: ClientSettings, member: Int) async throws -> Answer {
    do {
      return try await settings.withClient { client in
        var options = CallOptions.defaults
        options.timeout = .seconds(20)
        let reply = try await Cohort_V1_EnrollmentService.Client(wrapping: client).enroll(
          .with {
            $0.requestID = UUID().uuidString
            $0.cohortNumber = 7
            $0.name = "Member \(member)"
            $0.email = Self.email(member)
          }, options: options)
        return .acknowledged(position: reply.reply.position)
      }
    } catch let error as RPCError {
      return .failed(error.code)
    }
  }

  private static func email(_ member: Int) -> String { "member\(member)@example.com" }
}
