import CohortAPI
import CohortCLI
import Foundation
import SwiftProtobuf
import Testing

/// A founder's day with people and payments, entirely through the `cohort` CLI against a real
/// cohortd over TLS: interest, an expected payment, a bank transfer confirmed by staff, a refund,
/// the funnel, and forgetting a person, after which their name and e-mail are in no reply, in no
/// log line and nowhere in the database file.
enum PeopleJourney {
  static let minji = (name: "김민지", email: "minji.kim@example.com", phone: "010-2345-6789")
  static let seoyeon = (name: "박서연", email: "seoyeon.park@example.com", phone: "01023456789")
  /// Enrolled without being registered first.
  static let junho = (name: "이준호", email: "junho.lee@example.co.kr")
  static let personal = [
    minji.name, minji.email, "+821023456789", seoyeon.name, seoyeon.email, "국민 박서연", junho.name, junho.email,
  ]

  /// Runs the journey on `server`; returns every reply the CLI printed.
  static func run(on server: TestServer) async throws -> [String] {
    let owner = try server.ownerSession()
    var replies: [String] = []
    func say(_ arguments: String...) async throws -> String {
      let parsed = try CohortCommand.parseAsRoot(arguments)
      let output = try await (try #require(parsed as? any CLICommand)).output(owner).text
      replies.append(output)
      return output
    }
    func json<M: SwiftProtobuf.Message>(_: M.Type, _ arguments: String...) async throws -> M {
      let parsed = try CohortCommand.parseAsRoot(arguments + ["--output", "json"])
      let output = try await (try #require(parsed as? any CLICommand)).output(owner).text
      replies.append(output)
      return try M(jsonString: output)
    }

    _ = try await say(
      "cohorts", "schedule", "--number", "21", "--title", "AI 활용 부트캠프 21기", "--price", "200000", "--capacity", "30",
      "--starts", "2027-03-01", "--ends", "2027-04-30")
    _ = try await say("cohorts", "open", "21")

    let added = try await say(
      "people", "add", "--name", minji.name, "--email", minji.email, "--phone", minji.phone, "--source", "open chat")
    #expect(added.contains("Registered"))
    let duplicate = try await say(
      "people", "add", "--name", seoyeon.name, "--email", seoyeon.email, "--phone", seoyeon.phone)
    #expect(duplicate.contains("Possible duplicate: \(minji.name)"), "the same phone, typed differently: \(duplicate)")
    let again = try await cohortFailure(
      "people", "add", "--name", "Again", "--email", " MINJI.kim@example.com ", in: owner)
    #expect(again.description.contains("already registered"))

    _ = try await say("interest", "21", "--email", minji.email, "--channel", "instagram")
    _ = try await say("interest", "21", "--email", seoyeon.email)
    let expected = try await json(
      Cohort_V1_PaymentCommandReply.self, "payments", "expect", "--email", minji.email, "--cohort", "21",
      "--payment-id", "order-21-0001")
    #expect(expected.payment.status == .pending && expected.payment.amount.amountMinor == 200_000)
    var minjiRecord = try await json(Cohort_V1_GetPersonReply.self, "people", "show", minji.email)
    #expect(minjiRecord.person.status == .interested, "an expected payment does not make a customer")
    #expect(minjiRecord.person.phone == "+821023456789")

    let confirmed = try await json(
      Cohort_V1_PaymentCommandReply.self, "payments", "confirm", "--email", seoyeon.email, "--cohort", "21",
      "--amount", "200000", "--currency", "KRW", "--reference", "국민 박서연 12/01", "--depositor", seoyeon.name)
    #expect(confirmed.payment.status == .validated && confirmed.payment.method == "bank transfer")
    let seoyeonRecord = try await json(Cohort_V1_GetPersonReply.self, "people", "show", seoyeon.email)
    #expect(seoyeonRecord.person.status == .paying)
    #expect(seoyeonRecord.payments.first?.reference.contains("국민 박서연") == true)

    let overRefund = try await cohortFailure(
      "payments", "refund", confirmed.paymentID, "--amount", "200001", "--reason", "too much", in: owner)
    #expect(overRefund.description.contains("left to refund"))
    let refunded = try await json(
      Cohort_V1_PaymentCommandReply.self, "payments", "refund", confirmed.paymentID, "--amount", "50000", "--reason",
      "dropped a week")
    #expect(refunded.payment.status == .partiallyRefunded && refunded.payment.refunded.amountMinor == 50_000)

    var funnel = try await json(Cohort_V1_GetFunnelReply.self, "funnel", "--cohort", "21")
    #expect(funnel.people == 2 && funnel.interested == 1 && funnel.paying == 1)
    #expect(funnel.conversionBasisPoints == 5_000)
    #expect(funnel.revenue.map(\.amountMinor) == [150_000])
    #expect(try await say("funnel").contains("50.00%"))

    let paying = try await json(Cohort_V1_ListPeopleReply.self, "people", "list", "--status", "paying")
    #expect(paying.people.map(\.email) == [seoyeon.email])
    #expect(try await say("people", "list").contains(minji.name))

    // Members are people: enrolling a registered person makes their person id the member id, and
    // enrolling somebody new registers them.
    // Seoyeon's bank transfer for open cohort 21 seated her by itself: nobody typed an Enroll.
    var roster = try await json(Cohort_V1_GetCohortReply.self, "cohorts", "show", "21")
    for _ in 0..<100 where roster.members.isEmpty {
      try await Task.sleep(for: .milliseconds(50))
      roster = try await json(Cohort_V1_GetCohortReply.self, "cohorts", "show", "21")
    }
    #expect(roster.members.map(\.memberID) == [seoyeonRecord.person.personID], "automatic enrollment")
    #expect(roster.members.first?.seat == .paid)
    let reenroll = try await cohortFailure("enroll", "21", "--name", seoyeon.name, "--email", seoyeon.email, in: owner)
    #expect(reenroll.description.contains("already enrolled"), "\(reenroll)")
    let newcomer = try await json(
      Cohort_V1_EnrollReply.self, "enroll", "21", "--name", junho.name, "--email", junho.email, "--free", "staff")
    let junhoRecord = try await json(Cohort_V1_GetPersonReply.self, "people", "show", junho.email)
    #expect(junhoRecord.person.personID == newcomer.memberID && junhoRecord.person.source == "enrollment")
    #expect(junhoRecord.person.status == .interested, "enrolled without paying is not a customer")
    roster = try await json(Cohort_V1_GetCohortReply.self, "cohorts", "show", "21")
    #expect(roster.members.map(\.name) == [seoyeon.name, junho.name])
    // Junho holds a free seat; Minji's payment is only expected, so she is in no list.
    #expect(roster.members.map(\.seat) == [.paid, .free])

    // Forget them all; from now on nobody sees them, not even the owner.
    replies = []
    _ = try await say("people", "forget", minji.email, "--yes")
    _ = try await say("people", "forget", seoyeon.email, "--yes")
    _ = try await say("people", "forget", junho.email, "--yes")
    let erasedRoster = try await json(Cohort_V1_GetCohortReply.self, "cohorts", "show", "21")
    #expect(erasedRoster.members.count == 2 && erasedRoster.members.allSatisfy { $0.erased && $0.name.isEmpty })
    #expect(try await say("cohorts", "show", "21").contains("(erased)"))
    minjiRecord = try await json(Cohort_V1_GetPersonReply.self, "people", "show", minji.email)
    #expect(minjiRecord.person.status == .erased && minjiRecord.person.name.isEmpty && minjiRecord.person.email.isEmpty)
    let list = try await say("people", "list")
    #expect(list.contains("(erased)"))
    _ = try await json(Cohort_V1_ListPeopleReply.self, "people", "list")
    _ = try await json(Cohort_V1_ListPaymentsReply.self, "payments", "list")
    _ = try await say("payments", "show", confirmed.paymentID)
    funnel = try await json(Cohort_V1_GetFunnelReply.self, "funnel", "--cohort", "21")
    #expect(funnel.erased == 2 && funnel.revenue.map(\.amountMinor) == [150_000], "money stays counted")
    return replies
  }

  /// What no reply after forgetting, no log line and no stored byte may contain.
  static func leaks(in texts: [String]) -> [String] {
    personal.filter { value in texts.contains { $0.contains(value) } }
  }
}

@Suite("People and payments end to end (SQLite)")
struct PeopleEndToEndTests {
  @Test("interest, payments, refund, funnel and forgetting through the CLI; no personal data in replies, log or file")
  func journey() async throws {
    let log = LogCapture()
    let directory = TestServer.temporaryDirectory()
    var server = try await TestServer.start(directory: directory, log: log)
    let afterForgetting = try await PeopleJourney.run(on: server)
    try await server.stop()
    #expect(PeopleJourney.leaks(in: afterForgetting).isEmpty, "replies after forgetting")

    // A restart folds the log again: still erased, still nothing to read.
    server = try await TestServer.start(directory: directory, log: log)
    let owner = try server.ownerSession()
    let shown = try await cohort("people", "show", PeopleJourney.minji.email, "--output", "json", in: owner)
    #expect(shown.contains("CUSTOMER_STATUS_ERASED"))
    let listed = try await cohort("people", "list", "--output", "json", in: owner)
    let roster = try await cohort("cohorts", "show", "21", "--output", "json", in: owner)
    #expect(PeopleJourney.leaks(in: [shown, listed, roster]).isEmpty)
    #expect(roster.contains("\"erased\":true"), "\(roster)")
    try await server.stop()

    #expect(log.all.count > 10, "the server logged at trace level")
    #expect(PeopleJourney.leaks(in: log.all).isEmpty, "personal data in the server's log")
    let bytes =
      try Data(contentsOf: URL(fileURLWithPath: directory + "/cohort.sqlite"))
      + ((try? Data(contentsOf: URL(fileURLWithPath: directory + "/cohort.sqlite-wal"))) ?? Data())
    #expect(bytes.range(of: Data("AI 활용 부트캠프 21기".utf8)) != nil, "the search finds what is stored in clear")
    let stored = PeopleJourney.personal.filter { bytes.range(of: Data($0.utf8)) != nil }
    #expect(stored.isEmpty, "personal data in clear in the database file: \(stored)")
  }
}
