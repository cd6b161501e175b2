import CohortAPI
import CohortCLI
import Foundation
import SwiftProtobuf
import Testing

@testable import CohortServer

/// A founder's validation experiment entirely through the `cohort` CLI: ten attempts (three no
/// answers, five rejections with their reasons, one interested, one paid), the paid one counted
/// only once PortOne's signed webhook has validated its payment, then concluded; `experiments
/// show` tells the story in numbers.
enum OutreachJourney {
  static func run(on server: TestServer, portOne: PortOneStandIn) async throws {
    let owner = try server.ownerSession()
    func say(_ arguments: [String]) async throws -> String {
      try await (try #require(try CohortCommand.parseAsRoot(arguments) as? any CLICommand)).output(owner).text
    }
    func json<M: SwiftProtobuf.Message>(_: M.Type, _ arguments: String...) async throws -> M {
      try M(jsonString: try await say(arguments + ["--output", "json"]))
    }

    let startOutput = try await say([
      "experiments", "start", "--hypothesis", "1인 사업자는 AI 업무자동화 컨설팅에 돈을 낸다", "--offer", "AI 업무자동화 컨설팅 1회",
      "--price", "300000", "--currency", "KRW", "--budget", "10", "--founder", "김민지", "--starts", "2026-11-02",
      "--output", "json",
    ])
    #expect(startOutput.contains("\"experimentId\""), "JSON field names as grpcurl prints them: \(startOutput)")
    let experiment = try Cohort_V1_ExperimentCommandReply(jsonString: startOutput).experimentID

    // The paying customer is a person from People with an expected PortOne payment.
    _ = try await say(["people", "add", "--name", "이준호", "--email", "junho@example.com"])
    _ = try await say([
      "cohorts", "schedule", "--number", "41", "--title", "AI 자동화 41기", "--price", "300000", "--capacity", "30",
      "--starts", "2027-03-01", "--ends", "2027-04-30",
    ])
    _ = try await say([
      "payments", "expect", "--email", "junho@example.com", "--cohort", "41", "--payment-id", "pay-junho",
    ])

    func log(_ day: String, _ target: String, _ outcome: [String]) async throws -> Cohort_V1_AttemptCommandReply {
      try Cohort_V1_AttemptCommandReply(
        jsonString: try await say(
          ["attempts", "log", experiment, "--target", target, "--channel", "call", "--on", day] + outcome + [
            "--output", "json",
          ]))
    }
    let firstCall = try await log("2026-11-02", "가나상사", ["--outcome", "no-answer"])
    _ = try await log("2026-11-03", "다라물산", ["--outcome", "no-answer", "--next-step", "다시 전화", "--due", "2026-11-06"])
    _ = try await log("2026-11-04", "마바건설", ["--outcome", "no-answer"])
    _ = try await log("2026-11-04", "사아식품", ["--outcome", "rejected", "--reason", "price", "--detail", "너무 비싸요"])
    _ = try await log("2026-11-05", "자차전자", ["--outcome", "rejected", "--reason", "price"])
    _ = try await log("2026-11-10", "카타회계", ["--outcome", "rejected", "--reason", "no-need"])
    _ = try await log("2026-11-11", "파하디자인", ["--outcome", "rejected", "--reason", "price", "--compliments-only"])
    _ = try await log("2026-11-12", "한빛출판", ["--outcome", "rejected", "--reason", "has-alternative"])
    let callsBack = try await log("2026-11-17", "새봄학원", ["--outcome", "no-answer"])
    let paid = try await log("2026-11-18", "junho@example.com", ["--outcome", "paid", "--payment", "pay-junho"])
    #expect(!paid.overBudget && !callsBack.overBudget)
    // The no-answer who calls back: a new outcome, the history kept.
    _ = try await say([
      "attempts", "update", experiment, callsBack.attemptID, "--outcome", "interested", "--next-step", "제안서 보내기",
      "--due", "2026-11-20",
    ])

    var shown = try await json(Cohort_V1_GetExperimentReply.self, "experiments", "show", experiment)
    #expect(shown.experiment.summary.paidValidated == 0 && shown.experiment.summary.paidNotValidated == 1)
    #expect(shown.experiment.summary.validatedCustomers == 0, "paid, not validated, until the payment is")

    // PortOne's signed webhook validates the payment: now the attempt counts.
    portOne.set("pay-junho", .init(status: "PAID", total: 300_000))
    let webhook = try await PortOneStandIn.send(
      PortOneStandIn.body("Transaction.Paid", paymentID: "pay-junho"), to: server, id: "msg_junho_paid")
    #expect(webhook.status == 200, "\(webhook)")

    _ = try await say([
      "experiments", "conclude", experiment, "--result", "validated", "--learning", "가격 저항이 크지만 한 명은 결제했다",
    ])
    let output = try await say(["experiments", "show", experiment, "--output", "json"])
    #expect(output.contains("\"attemptsUsed\""), "\(output)")
    shown = try Cohort_V1_GetExperimentReply(jsonString: output)
    let summary = shown.experiment.summary
    #expect(summary.attemptsUsed == 10 && summary.budget == 10 && summary.overBudget == 0 && summary.budgetUsedUp)
    #expect(
      summary.outcomes.map { [$0.kind.rawValue, Int($0.count)] } == [
        [Cohort_V1_OutcomeKind.noAnswer.rawValue, 3], [Cohort_V1_OutcomeKind.rejected.rawValue, 5],
        [Cohort_V1_OutcomeKind.interested.rawValue, 1], [Cohort_V1_OutcomeKind.paid.rawValue, 1],
      ])
    #expect(summary.rejectionReasons.map(\.reason) == [.price, .noNeed, .hasAlternative])
    #expect(summary.rejectionReasons.map(\.count) == [3, 1, 1])
    #expect(summary.complimentsOnly == 1)
    #expect(summary.paidValidated == 1 && summary.paidNotValidated == 0 && summary.validatedCustomers == 1)
    #expect(summary.hasDaysToFirstValidatedPayment, "validated today, weeks after the start")
    #expect(summary.weeks.prefix(3).map(\.attempts) == [5, 3, 2], "weeks of 11-02, 11-09, 11-16")
    #expect(summary.weeks.dropFirst(3).allSatisfy { $0.attempts == 0 }, "none since, up to the conclusion")
    #expect(shown.experiment.result == .validated)
    let story = try await say(["experiments", "show", experiment])
    #expect(story.contains("Paying customers (validated payments): 1"), "\(story)")
    #expect(story.contains("price") && story.contains("10 of 10 budgeted — the budget is used up"), "\(story)")

    // A concluded experiment takes no more attempts.
    let refused = try await cohortFailure(
      "attempts", "log", experiment, "--target", "또다른회사", "--channel", "email", "--outcome", "no-answer", in: owner)
    #expect(refused.description.contains("takes no more attempts"), "\(refused)")

    let followups = try await json(Cohort_V1_ListFollowupsReply.self, "followups")
    #expect(followups.followups.map(\.attempt.nextStep.action) == ["다시 전화", "제안서 보내기"])
    #expect(followups.followups.allSatisfy { $0.overdue }, "due in November 2026, before today")
    let attempts = try await json(Cohort_V1_ListAttemptsReply.self, "attempts", "list", experiment)
    #expect(attempts.attempts.first?.attemptID == firstCall.attemptID)
    #expect(attempts.attempts.first { $0.attemptID == callsBack.attemptID }?.history.count == 2)
    let junho = attempts.attempts.first { $0.target.person.personID != "" }
    #expect(junho?.targetName == "이준호" && junho?.paidValidated == true)
    let list = try await json(Cohort_V1_ListExperimentsReply.self, "experiments", "list")
    #expect(list.founders.map(\.founder) == ["김민지"] && list.founders.first?.validatedCustomers == 1)
  }
}

@Suite("Outreach experiments end to end (SQLite)")
struct OutreachEndToEndTests {
  @Test("ten attempts, every no with its reason, a paid one validated by a signed webhook, concluded, in numbers")
  func journey() async throws {
    try await PortOneStandIn.withServer { server, portOne in
      try await OutreachJourney.run(on: server, portOne: portOne)
    }
  }
}
