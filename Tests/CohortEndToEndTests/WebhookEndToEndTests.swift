import CohortAPI
import CohortCLI
import Foundation
import SwiftProtobuf
import Testing

@testable import CohortServer

/// PortOne's side of payments, end to end: a signed webhook arrives over HTTPS, cohortd looks
/// the payment up at (a stand-in of) PortOne's API, and only the expected amount makes a person
/// paying.
enum WebhookJourney {
  static func run(on server: TestServer, portOne: PortOneStandIn) async throws {
    let owner = try server.ownerSession()
    func say(_ arguments: String...) async throws -> String {
      try await (try #require(try CohortCommand.parseAsRoot(arguments) as? any CLICommand)).output(owner).text
    }
    func person(_ email: String) async throws -> Cohort_V1_GetPersonReply {
      try Cohort_V1_GetPersonReply(jsonString: try await say("people", "show", email, "--output", "json"))
    }

    _ = try await say(
      "cohorts", "schedule", "--number", "31", "--title", "AI 활용 부트캠프 31기", "--price", "200000", "--capacity", "30",
      "--starts", "2027-03-01", "--ends", "2027-04-30")
    _ = try await say("people", "add", "--name", "김민지", "--email", "minji@example.com")
    _ = try await say("people", "add", "--name", "박서연", "--email", "seoyeon@example.com")
    _ = try await say("interest", "31", "--email", "minji@example.com")
    _ = try await say(
      "payments", "expect", "--email", "minji@example.com", "--cohort", "31", "--payment-id", "pay-minji")
    _ = try await say(
      "payments", "expect", "--email", "seoyeon@example.com", "--cohort", "31", "--payment-id", "pay-seoyeon")

    // PortOne reports Minji's payment paid in full: she is paying.
    portOne.set("pay-minji", .init(status: "PAID", total: 200_000))
    let paid = PortOneStandIn.body("Transaction.Paid", paymentID: "pay-minji")
    let first = try await PortOneStandIn.send(paid, to: server, id: "msg_minji_paid")
    #expect(first.status == 200 && first.message.contains("validated"), "\(first)")
    #expect(try await person("minji@example.com").person.status == .paying)
    // PortOne retries and duplicates webhooks: nothing changes.
    let retried = try await PortOneStandIn.send(paid, to: server, id: "msg_minji_paid")
    #expect(retried.status == 200)
    let duplicate = try await PortOneStandIn.send(paid, to: server, id: "msg_minji_paid_again")
    #expect(duplicate.status == 200 && duplicate.message.contains("nothing new"), "\(duplicate)")
    // Seoyeon's payment is reported with another amount: refused, she stays merely interested.
    portOne.set("pay-seoyeon", .init(status: "PAID", total: 150_000))
    let mismatch = try await PortOneStandIn.send(
      PortOneStandIn.body("Transaction.Paid", paymentID: "pay-seoyeon"), to: server, id: "msg_seoyeon_paid")
    #expect(mismatch.status == 200 && mismatch.message.contains("refused"), "\(mismatch)")
    let seoyeon = try await person("seoyeon@example.com")
    #expect(seoyeon.person.status == .interested)
    #expect(seoyeon.payments.first?.status == .refused)
    #expect(seoyeon.payments.first?.refusal.contains("200,000 KRW was expected") == true)

    // Forged, stale, future, wrong-secret webhooks: 401; a signed body that is not JSON: 400.
    let forged = try await PortOneStandIn.send(
      paid, to: server, signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    #expect(forged.status == 401)
    #expect(try await PortOneStandIn.send(paid, to: server, timestamp: Date().addingTimeInterval(-600)).status == 401)
    #expect(try await PortOneStandIn.send(paid, to: server, timestamp: Date().addingTimeInterval(600)).status == 401)
    let wrongSecret = "whsec_" + Data(repeating: 9, count: 24).base64EncodedString()
    #expect(try await PortOneStandIn.send(paid, to: server, secret: wrongSecret).status == 401)
    #expect(try await PortOneStandIn.send(Data("not json".utf8), to: server).status == 400)

    // A payment nobody expected is recorded as refused.
    let unknown = try await PortOneStandIn.send(
      PortOneStandIn.body("Transaction.Paid", paymentID: "pay-nobody"), to: server)
    #expect(unknown.status == 200 && unknown.message.contains("no payment with this id was expected"), "\(unknown)")

    // PortOne cancels Minji's payment in full: a refund; she is refunded, not paying.
    portOne.set("pay-minji", .init(status: "CANCELLED", total: 200_000, cancelled: 200_000))
    let cancelled = try await PortOneStandIn.send(
      PortOneStandIn.body("Transaction.Cancelled", paymentID: "pay-minji"), to: server)
    #expect(cancelled.status == 200 && cancelled.message.contains("refunded 200,000 KRW"), "\(cancelled)")
    #expect(try await person("minji@example.com").person.status == .refunded)

    let funnel = try Cohort_V1_GetFunnelReply(
      jsonString: try await say("funnel", "--cohort", "31", "--output", "json"))
    #expect(funnel.paying == 0 && funnel.refunded == 1 && funnel.interested == 1)
  }
}

@Suite("PortOne webhooks end to end (SQLite)")
struct WebhookEndToEndTests {
  @Test("signed webhook → look-up → paying; a wrong amount stays interested; bad webhooks refused")
  func journey() async throws {
    let log = LogCapture()
    try await PortOneStandIn.withServer(log: log) { server, portOne in
      try await WebhookJourney.run(on: server, portOne: portOne)
    }
    let secrets = [PortOneStandIn.apiSecret, String(PortOneStandIn.webhookSecret.dropFirst(6))]
    #expect(log.all.contains { $0.contains("PortOne webhook applied") }, "the log was captured")
    let leaked = log.all.filter { line in secrets.contains { line.contains($0) } }
    #expect(leaked.isEmpty, "a secret in the server's log: \(leaked.prefix(3))")
  }

  @Test("without a webhook secret the listener answers 503 and says it is not configured")
  func notConfigured() async throws {
    let server = try await TestServer.start()
    let answer = try await PortOneStandIn.send(PortOneStandIn.body("Transaction.Paid", paymentID: "p"), to: server)
    #expect(answer.status == 503 && answer.message.contains("not configured"))
    try await server.stop()
  }

  @Test("a plain http:// API URL is refused unless it is a loopback address")
  func apiURL() throws {
    #expect(throws: ConfigurationError.self) { try PortOneWebhooks.checked("http://api.portone.io") }
    #expect(throws: ConfigurationError.self) { try PortOneWebhooks.checked("ftp://127.0.0.1") }
    #expect(try PortOneWebhooks.checked("http://127.0.0.1:8080") == "http://127.0.0.1:8080")
    #expect(try PortOneWebhooks.checked("https://api.portone.io") == "https://api.portone.io")
  }
}
