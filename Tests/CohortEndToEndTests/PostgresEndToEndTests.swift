import CohortAPI
import CohortCLI
import CohortClient
import EventStoreTesting
import Foundation
import GRPCCore
import Testing

@testable import CohortServer

/// Where the end-to-end tests on PostgreSQL get their empty database.
enum PostgresE2E {
  static let url = ProcessInfo.processInfo.environment["COHORT_TEST_POSTGRES_E2E_URL"]
  static let required = ProcessInfo.processInfo.environment["COHORT_REQUIRE_POSTGRES"] == "1"
}

/// cohortd on PostgreSQL: the same service, and two servers sharing one database.
@Suite(
  "cohortd on PostgreSQL", .serialized,
  .enabled(
    if: PostgresE2E.url != nil || PostgresE2E.required,
    "set COHORT_TEST_POSTGRES_E2E_URL to an empty database (Scripts/test.sh does)"))
struct PostgresEndToEndTests {
  @Test("PortOne webhooks on PostgreSQL: signed webhook → look-up → paying; a wrong amount stays interested")
  func webhookJourney() async throws {
    try await ThrowawayPostgres.withServer { postgres in
      try await PortOneStandIn.withServer(databaseURL: postgres.url) { server, portOne in
        try await WebhookJourney.run(on: server, portOne: portOne)
      }
    }
  }

  @Test("an outreach experiment through the CLI on PostgreSQL, its paid attempt validated by a signed webhook")
  func outreachJourney() async throws {
    try await ThrowawayPostgres.withServer { postgres in
      try await PortOneStandIn.withServer(databaseURL: postgres.url) { server, portOne in
        try await OutreachJourney.run(on: server, portOne: portOne)
      }
    }
  }

  @Test("a cohort's life through the CLI on PostgreSQL: seated by the webhook, scholarship, discount, refund, alumni")
  func cohortLifecycleJourney() async throws {
    try await ThrowawayPostgres.withServer { postgres in
      try await PortOneStandIn.withServer(databaseURL: postgres.url) { server, portOne in
        try await CohortLifecycleJourney.run(on: server, portOne: portOne)
      }
    }
  }

  @Test("spreadsheets through the CLI on PostgreSQL: the CP949 roster twice, transfers, attendance, attempts, CSV out")
  func spreadsheetJourney() async throws {
    try await ThrowawayPostgres.withServer { postgres in
      let server = try await TestServer.start(databaseURL: postgres.url)
      do {
        try await SpreadsheetJourney.run(on: server)
      } catch {
        try await server.stop()
        throw error
      }
      try await server.stop()
    }
  }

  @Test("tokens on two servers sharing one PostgreSQL: revoked through one, refused by the other")
  func tokensOnTwoServers() async throws {
    try await ThrowawayPostgres.withServer { postgres in
      let first = try await TestServer.start(databaseURL: postgres.url)
      let second = try await TestServer.start(databaseURL: postgres.url)
      do {
        try await TokensJourney.run(first: first, second: second)
      } catch {
        try await first.stop()
        try await second.stop()
        throw error
      }
      try await first.stop()
      try await second.stop()
    }
  }

  @Test("automatic enrollment with two servers on one PostgreSQL: both react to every payment, each seats once")
  func automaticEnrollmentOnTwoServers() async throws {
    try await ThrowawayPostgres.withServer { postgres in
      try await PortOneStandIn.withServer(databaseURL: postgres.url) { first, portOne in
        let second = try await TestServer.start(databaseURL: postgres.url)
        let token = try first.ownerToken
        let owner = try first.ownerSession()
        _ = try await cohort(
          "cohorts", "schedule", "--number", "6", "--title", "6기", "--price", "100000", "--capacity", "3", "--starts",
          "2027-01-01", "--ends", "2027-02-01", in: owner)
        _ = try await cohort("cohorts", "open", "6", in: owner)
        for index in 0..<5 {
          _ = try await cohort("people", "add", "--name", "P\(index)", "--email", "p\(index)@example.com", in: owner)
          _ = try await cohort(
            "payments", "expect", "--email", "p\(index)@example.com", "--cohort", "6", "--payment-id", "pay-\(index)",
            in: owner)
          portOne.set("pay-\(index)", .init(status: "PAID", total: 100_000))
          _ = try await PortOneStandIn.send(
            PortOneStandIn.body("Transaction.Paid", paymentID: "pay-\(index)"), to: first)
        }
        var rosters: [Cohort_V1_GetCohortReply] = []
        for server in [first, second] {
          let session = Session(settings: server.settings(token: token))
          var roster = Cohort_V1_GetCohortReply()
          for _ in 0..<200 {
            roster = try Cohort_V1_GetCohortReply(
              jsonString: try await cohort("cohorts", "show", "6", "--output", "json", in: session))
            if roster.members.count + roster.waitlist.count >= 5 { break }
            try await Task.sleep(for: .milliseconds(25))
          }
          rosters.append(roster)
        }
        try await Task.sleep(for: .milliseconds(300))  // both reactors are done by now; nothing more may come
        let settled = try Cohort_V1_GetCohortReply(
          jsonString: try await cohort(
            "cohorts", "show", "6", "--output", "json", in: Session(settings: second.settings(token: token))))
        for roster in rosters + [settled] {
          #expect(roster.members.count == 3 && roster.waitlist.count == 2)
          #expect(Set((roster.members + roster.waitlist).map(\.memberID)).count == 5, "each person once")
        }
        #expect(rosters[0].members == rosters[1].members && rosters[0].waitlist == rosters[1].waitlist)
        try await second.stop()
      }
    }
  }

  @Test("partner groups through the CLI on PostgreSQL: partners record for their own group only")
  func groupsJourney() async throws {
    try await ThrowawayPostgres.withServer { postgres in
      let server = try await TestServer.start(databaseURL: postgres.url)
      try await GroupsJourney.run(on: server)
      try await server.stop()
    }
  }

  @Test("people and payments through the CLI on PostgreSQL; forgotten people leave no trace in replies or the log")
  func peopleJourney() async throws {
    try await ThrowawayPostgres.withServer { postgres in
      let log = LogCapture()
      let server = try await TestServer.start(databaseURL: postgres.url, log: log)
      let afterForgetting = try await PeopleJourney.run(on: server)
      try await server.stop()
      #expect(PeopleJourney.leaks(in: afterForgetting).isEmpty, "replies after forgetting")
      #expect(PeopleJourney.leaks(in: log.all).isEmpty, "personal data in the server's log")
      #expect(log.all.contains { $0.contains("PostgreSQL") }, "the log was captured")
    }
  }

  @Test("two servers on one database: racing enrollments never exceed capacity, and both read models agree")
  func twoServers() async throws {
    let url = try #require(PostgresE2E.url, "COHORT_TEST_POSTGRES_E2E_URL is not set")
    let first = try await TestServer.start(databaseURL: url)
    let second = try await TestServer.start(databaseURL: url)
    let token = try first.ownerToken
    #expect(second.info.ownerTokenPath == nil, "the second server must not create another owner")

    let owner = Session(settings: first.settings(token: token))
    _ = try await cohort(
      "cohorts", "schedule", "--number", "11", "--title", "AI 활용 부트캠프 11기", "--price", "0",
      "--capacity", "5", "--starts", "2027-03-01", "--ends", "2027-04-30", in: owner)
    _ = try await cohort("cohorts", "open", "11", in: owner)

    let servers = [first, second]
    let positions = try await withThrowingTaskGroup(of: Int64.self) { group in
      for index in 0..<20 {
        group.addTask {
          try await servers[index % 2].settings(token: token).withClient { client in
            let reply = try await Cohort_V1_EnrollmentService.Client(wrapping: client).enroll(
              .with {
                $0.requestID = UUID().uuidString
                $0.cohortNumber = 11
                $0.name = "Member \(index)"
                $0.email = "member\(index)@example.com"
              })
            return reply.reply.position
          }
        }
      }
      return try await group.reduce(into: []) { $0.append($1) }
    }
    let latest = try #require(positions.max())

    var rosters: [Cohort_V1_GetCohortReply] = []
    for server in servers {
      try await server.settings(token: token).withClient { client in
        rosters.append(
          try await Cohort_V1_EnrollmentService.Client(wrapping: client).getCohort(
            .with {
              $0.cohortNumber = 11
              $0.consistency.minPosition = latest
            }))
      }
    }
    for roster in rosters {
      #expect(roster.members.count == 5)
      #expect(roster.waitlist.count == 15)
      #expect(Set((roster.members + roster.waitlist).map(\.email)).count == 20)
    }
    #expect(rosters[0].members == rosters[1].members && rosters[0].waitlist == rosters[1].waitlist)

    try await second.stop()
    try await first.stop()
  }

  @Test("a refusal computed from a cached state is decided again on the stored stream, not answered stale")
  func staleCachedState() async throws {
    try await ThrowawayPostgres.withServer { postgres in
      let first = try await TestServer.start(databaseURL: postgres.url)
      let second = try await TestServer.start(databaseURL: postgres.url)
      let token = try first.ownerToken
      var throughFirst = Session(settings: first.settings(token: token))
      var throughSecond = Session(settings: second.settings(token: token))
      throughFirst.attempts = 1
      throughSecond.attempts = 1

      _ = try await cohort(
        "cohorts", "schedule", "--number", "9", "--title", "AI 활용 부트캠프 9기", "--price", "0",
        "--capacity", "30", "--starts", "2027-03-01", "--ends", "2027-04-30", in: throughFirst)
      // The second server decides on cohort 9 while it is not open, and keeps that state.
      let refused = try await cohortFailure(
        "enroll", "9", "--name", "김민지", "--email", "minji@example.com", in: throughSecond)
      #expect(refused.description.contains("not open"), "\(refused)")
      _ = try await cohort("cohorts", "open", "9", in: throughFirst)
      // Its cached state says "not open"; the stream says open.
      let enrolled = try await cohort("enroll", "9", "--name", "김민지", "--email", "minji@example.com", in: throughSecond)
      #expect(enrolled.hasPrefix("Enrolled 김민지"), "\(enrolled)")

      try await second.stop()
      try await first.stop()
    }
  }
}
