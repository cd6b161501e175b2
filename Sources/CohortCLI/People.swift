import ArgumentParser
import CohortAPI
import CohortDomain
import CohortMapping
import Foundation

/// `cohort people ...`: register, list, show and forget people.
public struct People: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    abstract: "Register, list, show and forget people (merely interested until a payment is validated).",
    subcommands: [List.self, Show.self, Add.self, Forget.self],
    defaultSubcommand: List.self)

  public init() {}

  public struct Add: CLICommand {
    public static let configuration = CommandConfiguration(
      abstract: "Register a person.",
      discussion:
        "Example: cohort people add --name 김민지 --email minji@example.com --phone 010-1234-5678 --source 'open chat'")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Their name.") var name: String
    @Option(help: "Their e-mail: one person per e-mail in the community.") var email: String
    @Option(help: "Their phone, as typed (010-1234-5678 is stored as +821012345678).") var phone = ""
    @Option(help: "Where they came from, e.g. 'open chat'.") var source = ""
    @Option(help: "A note.") var note = ""

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let requestID = UUID().uuidString
      let reply = try await session.people { service in
        try await service.registerPerson(
          .with {
            $0.requestID = requestID
            $0.name = name
            $0.email = email
            $0.phone = phone
            $0.source = source
            $0.note = note
          })
      }
      return try output.render(reply) {
        var text = "Registered \(name) <\(email)> (person \(reply.personID)): interested until a payment is validated."
        for other in reply.possibleDuplicates {
          text += "\nPossible duplicate: \(other.name) <\(other.email)> has the same phone (person \(other.personID))."
        }
        return text
      }
    }
  }

  public struct List: CLICommand {
    public static let configuration = CommandConfiguration(abstract: "List people, newest registration last.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only people who are interested, paying, refunded or erased.") var status: CustomerStatus?
    @OptionGroup var limit: LimitOptions

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let people = try await limit.collect { token, size in
        let page = try await session.people { service in
          try await service.listPeople(
            .with {
              $0.status = status?.proto ?? .unspecified
              $0.pageSize = size
              $0.pageToken = token
            })
        }
        return (page.people, page.nextPageToken)
      }
      return try output.render(
        Cohort_V1_ListPeopleReply.with { $0.people = people }, text: { Rendering.people(people) },
        sheets: { [Rendering.peopleTable(people)] })
    }
  }

  public struct Show: CLICommand {
    public static let configuration = CommandConfiguration(abstract: "Show a person with their interests and payments.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "Their e-mail, or their person id.") var person: String

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let reply = try await session.people { service in
        try await service.getPerson(.with { $0.person = .named(person) })
      }
      return try output.render(reply) { Rendering.person(reply) }
    }
  }

  public struct Forget: CLICommand {
    public static let configuration = CommandConfiguration(
      abstract: "Forget a person for good: their name, e-mail, phone and note can never be read again.",
      discussion:
        "The log keeps every event, but the key that encrypts the person's data is deleted, so every query, report and export shows them as erased."
    )
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "Their e-mail, or their person id.") var person: String
    @Flag(help: "Do not ask for confirmation.") var yes = false

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      if !yes { try Confirmation.ask("Forget \(person) for good? Their personal data cannot be brought back.") }
      let requestID = UUID().uuidString
      let reply = try await session.people { service in
        try await service.forgetPerson(
          .with {
            $0.requestID = requestID
            $0.person = .named(person)
          })
      }
      return try output.render(reply) { "Forgot person \(reply.personID): they are shown as erased from now on." }
    }
  }
}

/// `cohort interest 9 --email minji@example.com --channel 'open chat'`
public struct Interest: CLICommand {
  public static let configuration = CommandConfiguration(
    abstract: "Record that a registered person is interested in a cohort.")
  @OptionGroup public var connection: ConnectionOptions
  @OptionGroup var output: OutputOptions
  @Argument(help: "The cohort's number.") var cohort: Int32
  @Option(help: "Their e-mail.") var email: String
  @Option(help: "How they showed interest, e.g. 'open chat' or 'instagram'.") var channel = "cli"

  public init() {}

  public func output(_ session: Session) async throws -> Printout {
    let requestID = UUID().uuidString
    let reply = try await session.people { service in
      try await service.recordInterest(
        .with {
          $0.requestID = requestID
          $0.person = .named(email)
          $0.cohortNumber = cohort
          $0.channel = channel
        })
    }
    return try output.render(reply) {
      reply.reply.eventTypes.isEmpty
        ? "\(email)'s interest in cohort \(cohort) was already recorded."
        : "Recorded \(email)'s interest in cohort \(cohort)."
    }
  }
}

/// `--status interested|paying|refunded|erased`.
extension CustomerStatus: ExpressibleByArgument {}

extension Cohort_V1_PersonRef {
  /// A person named by e-mail (anything with an "@") or by id.
  static func named(_ text: String) -> Self {
    .with { text.contains("@") ? ($0.email = text) : ($0.personID = text) }
  }
}

/// Asks on the terminal before something that cannot be undone.
enum Confirmation {
  static func ask(_ question: String) throws {
    guard isatty(STDIN_FILENO) != 0 else {
      throw CLIError("\(question) Pass --yes to confirm (standard input is not a terminal).", exitCode: ExitCodes.usage)
    }
    FileHandle.standardError.write(Data("\(question) Type yes to confirm: ".utf8))
    guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
      throw CLIError("not confirmed; nothing was changed", exitCode: ExitCodes.usage)
    }
  }
}
