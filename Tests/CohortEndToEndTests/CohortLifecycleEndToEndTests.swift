import CohortAPI
import CohortCLI
import Foundation
import SwiftProtobuf
import Testing

@testable import CohortServer

/// A founder's cohort from the CLI: people pay through PortOne's webhook and are seated with
/// nobody typing a command, one gets a scholarship, one a discount, one withdraws and is refunded,
/// the cohort completes and its members are alumni of the next; `cohorts report` in numbers.
enum CohortLifecycleJourney {
  static let people = ["a", "b", "c", "d", "e", "f"].map {
    (name: "수강생 \($0.uppercased())", email: "\($0)@example.com")
  }

  static func run(on server: TestServer, portOne: PortOneStandIn) async throws {
    let owner = try server.ownerSession()
    func say(_ arguments: String...) async throws -> String {
      try await (try #require(try CohortCommand.parseAsRoot(arguments) as? any CLICommand)).output(owner).text
    }
    func json<M: SwiftProtobuf.Message>(_: M.Type, _ arguments: String...) async throws -> M {
      try M(
        jsonString: try await
          (try #require(
            try CohortCommand.parseAsRoot(arguments + ["--output", "json"]) as? any CLICommand)).output(owner).text)
    }
    /// The cohort once `done` holds for it (automatic enrollment runs beside the request).
    func cohort(
      _ number: String, until done: (Cohort_V1_GetCohortReply) -> Bool
    ) async throws -> Cohort_V1_GetCohortReply {
      var reply = try await json(Cohort_V1_GetCohortReply.self, "cohorts", "show", number)
      for _ in 0..<200 where !done(reply) {
        try await Task.sleep(for: .milliseconds(25))
        reply = try await json(Cohort_V1_GetCohortReply.self, "cohorts", "show", number)
      }
      return reply
    }
    func pay(_ index: Int, cohort: String, total: Int64) async throws {
      let id = "pay-\(people[index].email)-\(cohort)"
      _ = try await say("payments", "expect", "--email", people[index].email, "--cohort", cohort, "--payment-id", id)
      portOne.set(id, .init(status: "PAID", total: total))
      let answer = try await PortOneStandIn.send(PortOneStandIn.body("Transaction.Paid", paymentID: id), to: server)
      #expect(answer.status == 200, "\(answer)")
    }

    _ = try await say(
      "cohorts", "schedule", "--number", "12", "--title", "AI 활용 부트캠프 12기", "--price", "200000", "--capacity", "4",
      "--starts", "2026-09-01", "--ends", "2026-10-31")
    _ = try await say(
      "cohorts", "schedule", "--number", "13", "--title", "AI 활용 부트캠프 13기", "--price", "200000", "--capacity", "30",
      "--starts", "2026-11-01", "--ends", "2026-12-31")
    _ = try await say("cohorts", "open", "12")
    for person in people { _ = try await say("people", "add", "--name", person.name, "--email", person.email) }

    // A, B and C pay through PortOne: seated by themselves.
    for index in 0..<3 { try await pay(index, cohort: "12", total: 200_000) }
    var roster = try await cohort("12") { $0.members.count == 3 }
    #expect(Set(roster.members.map(\.email)) == ["a@example.com", "b@example.com", "c@example.com"])
    #expect(roster.members.allSatisfy { $0.seat == .paid })
    // D gets a scholarship; E a 20% discount, then pays 160,000 KRW and waits: the cohort is full.
    _ = try await say("enroll", "12", "--name", people[3].name, "--email", people[3].email, "--scholarship", "커뮤니티 리더")
    _ = try await say("discounts", "grant", "12", "--email", people[4].email, "--percent", "20", "--reason", "얼리버드")
    let expected = try await json(
      Cohort_V1_PaymentCommandReply.self, "payments", "expect", "--email", people[4].email, "--cohort", "12",
      "--payment-id", "pay-e-12")
    #expect(expected.payment.amount.amountMinor == 160_000, "the discount lowers the expected payment")
    portOne.set("pay-e-12", .init(status: "PAID", total: 160_000))
    _ = try await PortOneStandIn.send(PortOneStandIn.body("Transaction.Paid", paymentID: "pay-e-12"), to: server)
    roster = try await cohort("12") { $0.waitlist.count == 1 }
    #expect(roster.members.count == 4 && roster.waitlist.map(\.email) == ["e@example.com"])

    // B withdraws with a refund due: E takes the seat; the report lists B until the refund.
    let withdrawn = try await say("withdraw", "12", "--email", people[1].email, "--reason", "이사", "--refund-due")
    #expect(withdrawn.contains("moved up from the waitlist"), "\(withdrawn)")
    var report = try await json(Cohort_V1_CohortReport.self, "cohorts", "report", "12")
    #expect(report.refundsDue.map(\.name) == [people[1].name] && report.refundsDue.first?.amount.amountMinor == 200_000)
    _ = try await say("payments", "refund", "pay-b@example.com-12", "--amount", "200000", "--reason", "withdrew")
    report = try await json(Cohort_V1_CohortReport.self, "cohorts", "report", "12")
    #expect(report.seatsTaken == 4 && report.capacity == 4 && report.waitlist == 0)
    #expect(report.paying == 3 && report.scholarships == 1 && report.freeSeats == 0, "A, C and E paid; D's scholarship")
    #expect(report.revenue.map(\.amountMinor) == [560_000], "200,000 + 200,000 + 160,000 (B's refunded)")
    #expect(report.refundRateBasisPoints == 2_631, "200,000 of 760,000 validated")
    #expect(report.refundsDue.isEmpty && report.paidNotSeated.isEmpty)
    #expect(try await say("cohorts", "report", "12").contains("Paying:       3; scholarships 1"))

    // F pays for cohort 13 before it opens: paid, not seated.
    try await pay(5, cohort: "13", total: 200_000)
    var next = try await json(Cohort_V1_CohortReport.self, "cohorts", "report", "13")
    for _ in 0..<100 where next.paidNotSeated.isEmpty {
      try await Task.sleep(for: .milliseconds(25))
      next = try await json(Cohort_V1_CohortReport.self, "cohorts", "report", "13")
    }
    #expect(next.paidNotSeated.map(\.name) == [people[5].name])

    // C moves to cohort 13: their paid seat and payment come along, nothing more is due; 12 frees a seat.
    _ = try await say("cohorts", "open", "13")
    let moved = try await say("transfer", "--email", people[2].email, "--from", "12", "--to", "13")
    #expect(moved.contains("Moved c@example.com from cohort 12 to cohort 13."), "\(moved)")
    next = try await json(Cohort_V1_CohortReport.self, "cohorts", "report", "13")
    #expect(next.transfersIn.map(\.name) == [people[2].name] && next.transfersIn.first?.hasDue == false)
    #expect(next.paying == 1, "the carried paid seat")
    #expect(next.paidNotSeated.map(\.name) == [people[5].name], "F's payment, validated before 13 opened")
    report = try await json(Cohort_V1_CohortReport.self, "cohorts", "report", "12")
    #expect(report.seatsTaken == 3 && report.refundsDue.isEmpty, "a transfer is not a refund")
    let backwards = try await cohortFailure(
      "transfer", "--email", people[2].email, "--from", "13", "--to", "12", in: owner)
    #expect(backwards.exitCode == 13, "only to a later cohort: \(backwards)")

    // The cohort runs and completes: its members are alumni when they come back.
    let late = try await cohortFailure("cohorts", "complete", "12", in: owner)
    #expect(late.exitCode == 19 && late.description.contains("has not started"), "\(late)")
    _ = try await say("cohorts", "start", "12")
    let closed = try await cohortFailure(
      "enroll", "12", "--name", "늦은 사람", "--email", "late@example.com", "--free", "x", in: owner)
    #expect(closed.description.contains("has started"), "\(closed)")
    _ = try await say("cohorts", "complete", "12")
    _ = try await say("enroll", "13", "--name", people[0].name, "--email", people[0].email, "--free", "재수강")
    let comeback = try await cohort("13") { $0.members.count == 2 }
    #expect(comeback.members.map(\.alumni) == [false, true], "C left 12 before it completed; A completed it")
    next = try await json(Cohort_V1_CohortReport.self, "cohorts", "report", "13")
    #expect(next.alumni == 1)
    #expect(try await say("cohorts", "show", "13").contains("alumni"))
  }
}

@Suite("A cohort's life end to end (SQLite)")
struct CohortLifecycleEndToEndTests {
  @Test(
    "paid seats seated by the webhook, a scholarship, a discount, a refund, alumni; the report; once after a restart")
  func journey() async throws {
    try await PortOneStandIn.withServer { server, portOne in
      try await CohortLifecycleJourney.run(on: server, portOne: portOne)
    }
  }

  @Test("automatic enrollment happens once: a restart reacts to every validated payment again and adds nothing")
  func exactlyOnceAcrossRestarts() async throws {
    let portOne = try await PortOneStandIn.start()
    let directory = TestServer.temporaryDirectory()
    var settings = ServerConfiguration(dataDirectory: directory)
    try portOne.configure(&settings, directory: directory + "-secrets")
    func start() async throws -> TestServer {
      try await TestServer.start(directory: directory) {
        $0.portOneWebhookSecretFile = settings.portOneWebhookSecretFile
        $0.portOneAPISecretFile = settings.portOneAPISecretFile
        $0.portOneAPIURL = settings.portOneAPIURL
      }
    }
    var server = try await start()
    var owner = try server.ownerSession()
    _ = try await cohort(
      "cohorts", "schedule", "--number", "5", "--title", "5기", "--price", "100000", "--capacity", "10", "--starts",
      "2027-01-01", "--ends", "2027-02-01", in: owner)
    _ = try await cohort("cohorts", "open", "5", in: owner)
    for index in 0..<5 {
      _ = try await cohort("people", "add", "--name", "P\(index)", "--email", "p\(index)@example.com", in: owner)
      _ = try await cohort(
        "payments", "expect", "--email", "p\(index)@example.com", "--cohort", "5", "--payment-id", "pay-\(index)",
        in: owner)
      portOne.set("pay-\(index)", .init(status: "PAID", total: 100_000))
      _ = try await PortOneStandIn.send(PortOneStandIn.body("Transaction.Paid", paymentID: "pay-\(index)"), to: server)
    }
    var roster = try Cohort_V1_GetCohortReply(
      jsonString: try await cohort("cohorts", "show", "5", "--output", "json", in: owner))
    for _ in 0..<200 where roster.members.count < 5 {
      try await Task.sleep(for: .milliseconds(25))
      roster = try Cohort_V1_GetCohortReply(
        jsonString: try await cohort("cohorts", "show", "5", "--output", "json", in: owner))
    }
    #expect(roster.members.count == 5)
    // One withdraws; a restart must not seat them again.
    _ = try await cohort("withdraw", "5", "--email", "p0@example.com", in: owner)
    try await server.stop()
    server = try await start()
    owner = try server.ownerSession()
    try await Task.sleep(for: .milliseconds(500))  // the reactions to the catch-up fold run meanwhile
    let after = try Cohort_V1_GetCohortReply(
      jsonString: try await cohort("cohorts", "show", "5", "--output", "json", in: owner))
    #expect(after.members.count == 4 && !after.members.contains { $0.email == "p0@example.com" })
    #expect(Set(after.members.map(\.memberID)).count == 4, "no one twice")
    try await server.stop()
    await portOne.stop()
  }
}
