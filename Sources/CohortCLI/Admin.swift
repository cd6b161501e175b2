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
  public static let configuration = CommandConfiguration(
    abstract: "Tokens for more people: issue, list, revoke.", subcommands: [Issue.self, List.self, Revoke.self])

  public init() {}

  public struct Issue: CLICommand {
    public static let configuration = CommandConfiguration(
      abstract: "Issue a token. It is printed once; the server keeps only its hash.",
      discussion: "Owners issue any role; staff issue partner and member tokens.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "owner, staff, partner or member.") var role: AccessRole
    @Option(help: "Who the token is for.") var label: String
    @Option(
      help: "Bind the token to this registered person (e-mail or person id): a member then sees their own record.")
    var email: String?
    @Option(
      help: "When it stops being accepted: a duration (90d, 12h, 2w) or a day (2027-01-31, the start of it in UTC).")
    var expires: String?

    public init() {}

    public func validate() throws {
      if let expires { _ = try Self.expiry(expires, from: Date()) }
    }

    /// `90d`, `12h`, `2w` from `now`, or the start (UTC) of a `YYYY-MM-DD` day.
    static func expiry(_ text: String, from now: Date) throws -> Date {
      let units: [Character: Double] = ["h": 3_600, "d": 86_400, "w": 7 * 86_400]
      if let unit = text.last.flatMap({ units[$0] }), let count = Int(text.dropLast()), count > 0 {
        return now.addingTimeInterval(Double(count) * unit)
      }
      let day = ISO8601DateFormatter()
      day.formatOptions = [.withFullDate]
      if (try? CalendarDate(iso: text)) != nil, let date = day.date(from: text) { return date }
      throw ValidationError("--expires \(text): give a duration such as 90d, 12h or 2w, or a day YYYY-MM-DD")
    }

    public func output(_ session: Session) async throws -> Printout {
      let requestID = UUID().uuidString
      let expiresAt = try expires.map { try Self.expiry($0, from: Date()) }
      let reply = try await session.admin { service in
        try await service.issueToken(
          .with {
            $0.requestID = requestID
            $0.role = role.proto
            $0.label = label
            if let email { $0.person = .named(email) }
            if let expiresAt { $0.expiresAt = .init(date: expiresAt) }
          })
      }
      return try output.render(reply) {
        let until = expiresAt.map { " until \($0.ISO8601Format())" } ?? ""
        return "Token \(reply.tokenID) for \(label) (\(role.rawValue))\(until), shown only this once:\n\(reply.token)"
      }
    }
  }

  /// `cohort tokens list`: every token of the community, newest first, and whether it is accepted.
  public struct List: CLICommand {
    public static let configuration = CommandConfiguration(
      abstract: "List the community's tokens (owner and staff): role, label, issued, expiry, revoked.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var limit: LimitOptions

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let tokens = try await limit.collect { token, size in
        let page = try await session.admin { service in
          try await service.listTokens(
            .with {
              $0.pageSize = size
              $0.pageToken = token
            })
        }
        return (page.tokens, page.nextPageToken)
      }
      return try output.render(
        Cohort_V1_ListTokensReply.with { $0.tokens = tokens }, text: { Rendering.tokens(tokens) },
        sheets: { [Rendering.tokensSheet(tokens)] })
    }
  }

  /// `cohort tokens revoke TOKEN_ID --reason "left the team"`
  public struct Revoke: CLICommand {
    public static let configuration = CommandConfiguration(
      abstract: "Revoke a token: every server sharing the log refuses it from then on.",
      discussion: "Owners revoke any token but the last valid owner token; staff revoke partner and member tokens.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The token's id (cohort tokens list).") var tokenID: String
    @Option(help: "Why, for the record.") var reason: String = ""

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let requestID = UUID().uuidString
      let reply = try await session.admin { service in
        try await service.revokeToken(
          .with {
            $0.requestID = requestID
            $0.tokenID = tokenID
            $0.reason = reason
          })
      }
      return try output.render(reply) {
        reply.reply.eventTypes.isEmpty ? "Token \(tokenID) was revoked already." : "Revoked token \(tokenID)."
      }
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
