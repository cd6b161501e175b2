import ArgumentParser
import CohortAPI
import Foundation

/// `cohort enroll 9 --name 김민지 --email minji@example.com`
public struct Enroll: CLICommand {
  public static let configuration = CommandConfiguration(
    abstract: "Enroll a member into a cohort (waitlisted when it is full).")
  @OptionGroup public var connection: ConnectionOptions
  @OptionGroup var output: OutputOptions
  @Argument(help: "The cohort's number.") var cohort: Int32
  @Option(help: "The member's name.") var name: String
  @Option(help: "The member's e-mail (identifies them across cohorts).") var email: String

  public init() {}

  public func output(_ session: Session) async throws -> String {
    let requestID = UUID().uuidString
    let reply = try await session.enrollment { service in
      try await service.enroll(
        .with {
          $0.requestID = requestID
          $0.cohortNumber = cohort
          $0.name = name
          $0.email = email
        })
    }
    if output.format == .json { return try Rendering.json(reply) }
    return reply.outcome == .waitlisted
      ? "Cohort \(cohort) is full: \(name) is on the waitlist (member \(reply.memberID))."
      : "Enrolled \(name) in cohort \(cohort) (member \(reply.memberID))."
  }
}

/// `cohort withdraw 9 --email minji@example.com --reason "moved abroad"`
public struct Withdraw: CLICommand {
  public static let configuration = CommandConfiguration(
    abstract: "Withdraw a member from a cohort; the first on the waitlist takes the seat.")
  @OptionGroup public var connection: ConnectionOptions
  @OptionGroup var output: OutputOptions
  @Argument(help: "The cohort's number.") var cohort: Int32
  @Option(help: "The member's e-mail.") var email: String?
  @Option(name: .customLong("member-id"), help: "The member's id (instead of --email).") var memberID: String?
  @Option(help: "Why they leave.") var reason = ""

  public init() {}

  public func validate() throws {
    guard (email == nil) != (memberID == nil) else {
      throw ValidationError("name the member with either --email or --member-id")
    }
  }

  public func output(_ session: Session) async throws -> String {
    let requestID = UUID().uuidString
    let reply = try await session.enrollment { service in
      try await service.withdraw(
        .with {
          $0.requestID = requestID
          $0.cohortNumber = cohort
          if let email { $0.email = email }
          if let memberID { $0.memberID = memberID }
          $0.reason = reason
        })
    }
    if output.format == .json { return try Rendering.json(reply) }
    var text = "Withdrew \(email ?? memberID ?? "the member") from cohort \(cohort)."
    if !reply.promotedMemberID.isEmpty { text += " Member \(reply.promotedMemberID) moved up from the waitlist." }
    return text
  }
}
