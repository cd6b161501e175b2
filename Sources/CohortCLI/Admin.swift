import ArgumentParser
import CohortAPI
import CohortDomain
import CohortMapping
import Foundation

/// `cohort whoami`: the community and role of the token in use.
public struct WhoAmI: CLICommand {
  public static let configuration = CommandConfiguration(
    commandName: "whoami", abstract: "Show the token's community and role.")
  @OptionGroup public var connection: ConnectionOptions
  @OptionGroup var output: OutputOptions

  public init() {}

  public func output(_ session: Session) async throws -> Printout {
    let reply = try await session.admin { service in
      try await service.whoAmI(.init())
    }
    return try output.render(reply) {
      """
      Community: \(reply.tenantName) (\(reply.tenantID))
      Role:      \(AccessRole(reply.role)?.rawValue ?? "unknown")
      Token:     \(reply.tokenLabel) (\(reply.tokenID))
      Person:    \(reply.personID.isEmpty ? "none (the token is bound to nobody)" : reply.personID)
      Server:    \(session.settings.address)
      Context:   \(session.contextName)
      """
    }
  }
}

/// `cohort tokens issue --role staff --label "staff: 박서연"`,
/// `cohort tokens issue --role member --label "member: 김민지" --email minji@example.com`
public struct Tokens: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(abstract: "Tokens for more people.", subcommands: [Issue.self])

  public init() {}

  public struct Issue: CLICommand {
    public static let configuration = CommandConfiguration(
      abstract: "Issue a token (owner only). It is printed once; the server keeps only its hash.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "owner, staff, partner or member.") var role: AccessRole
    @Option(help: "Who the token is for.") var label: String
    @Option(
      help: "Bind the token to this registered person (e-mail or person id): a member then sees their own record.")
    var email: String?

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let requestID = UUID().uuidString
      let reply = try await session.admin { service in
        try await service.issueToken(
          .with {
            $0.requestID = requestID
            $0.role = role.proto
            $0.label = label
            if let email { $0.person = .named(email) }
          })
      }
      return try output.render(reply) { "Token for \(label) (\(role.rawValue)), shown only this once:\n\(reply.token)" }
    }
  }
}

/// `cohort health`: whether the server is serving (needs no token).
public struct Health: CLICommand {
  public static let configuration = CommandConfiguration(abstract: "Ask the server whether it is serving.")
  @OptionGroup public var connection: ConnectionOptions

  public init() {}

  public func output(_ session: Session) async throws -> Printout {
    let reply = try await session.call { client in
      try await Grpc_Health_V1_Health.Client(wrapping: client).check(.init())
    }
    guard reply.status == .serving else {
      throw CLIError("\(session.settings.address) is not serving (\(reply.status))", exitCode: ExitCodes.unavailable)
    }
    return "\(session.settings.address) is serving."
  }
}

extension AccessRole: ExpressibleByArgument {}
