import ArgumentParser
import CohortAPI
import CohortDomain
import CohortMapping
import Foundation

/// `cohort groups ...`: a cohort's partner groups.
public struct Groups: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    abstract: "Partner groups of a cohort: create, fill, balance, report.",
    subcommands: [
      List.self, Show.self, Create.self, Update.self, Assign.self, Move.self, Unassign.self, Balance.self,
      Dissolve.self,
    ],
    defaultSubcommand: List.self)

  public init() {}

  public struct Create: CLICommand {
    public static let configuration = CommandConfiguration(
      abstract: "Create a group, optionally with its partner.",
      discussion: "Example: cohort groups create 9 --name 1조 --partner partner1@example.com")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The cohort's number.") var cohort: Int32
    @Option(help: "The group's name, unique in the cohort.") var name: String
    @Option(help: "The partner who runs it: a registered person's e-mail.") var partner: String?

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let requestID = UUID().uuidString
      let reply = try await session.groups { service in
        try await service.createGroup(
          .with {
            $0.requestID = requestID
            $0.cohortNumber = cohort
            $0.name = name
            if let partner { $0.partner = .named(partner) }
          })
      }
      return try output.render(reply) { "Created group \(name) in cohort \(cohort) (group \(reply.groupID))." }
    }
  }

  public struct Update: CLICommand {
    public static let configuration = CommandConfiguration(abstract: "Rename a group or give it another partner.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The cohort's number.") var cohort: Int32
    @Argument(help: "The group's name or id.") var group: String
    @Option(help: "A new name.") var name: String?
    @Option(help: "A new partner: a registered person's e-mail.") var partner: String?

    public init() {}

    public func validate() throws {
      guard name != nil || partner != nil else { throw ValidationError("give --name, --partner or both") }
    }

    public func output(_ session: Session) async throws -> Printout {
      let requestID = UUID().uuidString
      let reply = try await session.groups { service in
        try await service.updateGroup(
          .with {
            $0.requestID = requestID
            $0.cohortNumber = cohort
            $0.group = group
            $0.name = name ?? ""
            if let partner { $0.partner = .named(partner) }
          })
      }
      return try output.render(reply) { "Updated group \(group) of cohort \(cohort)." }
    }
  }

  public struct Assign: CLICommand {
    public static let configuration = CommandConfiguration(abstract: "Put an enrolled member in a group.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The cohort's number.") var cohort: Int32
    @Option(help: "The group's name or id.") var group: String
    @Option(help: "The member's e-mail or person id.") var email: String

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let reply = try await place(session, cohort: cohort, member: email, group: group, allowMove: false)
      return try output.render(reply) { "\(email) is in group \(group) of cohort \(cohort)." }
    }
  }

  public struct Move: CLICommand {
    public static let configuration = CommandConfiguration(abstract: "Move a member to another group.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The cohort's number.") var cohort: Int32
    @Option(help: "The group to move them to.") var group: String
    @Option(help: "The member's e-mail or person id.") var email: String

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let reply = try await place(session, cohort: cohort, member: email, group: group, allowMove: true)
      return try output.render(reply) { "\(email) moved to group \(group) of cohort \(cohort)." }
    }
  }

  public struct Unassign: CLICommand {
    public static let configuration = CommandConfiguration(abstract: "Take a member out of their group.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The cohort's number.") var cohort: Int32
    @Option(help: "The member's e-mail or person id.") var email: String

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let reply = try await place(session, cohort: cohort, member: email, group: "", allowMove: false)
      return try output.render(reply) { "\(email) is in no group of cohort \(cohort)." }
    }
  }

  public struct Balance: CLICommand {
    public static let configuration = CommandConfiguration(
      abstract: "Put every unassigned member in the smallest group (ties: the group created first).")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The cohort's number.") var cohort: Int32
    @Flag(name: .customLong("spread-alumni"), help: "Spread alumni evenly first.") var spreadAlumni = false

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let requestID = UUID().uuidString
      let reply = try await session.groups { service in
        try await service.balanceGroups(
          .with {
            $0.requestID = requestID
            $0.cohortNumber = cohort
            $0.spreadAlumni = spreadAlumni
          })
      }
      return try output.render(reply) { "Assigned \(reply.assigned) members to the groups of cohort \(cohort)." }
    }
  }

  public struct Dissolve: CLICommand {
    public static let configuration = CommandConfiguration(abstract: "Dissolve a group; its members become unassigned.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The cohort's number.") var cohort: Int32
    @Argument(help: "The group's name or id.") var group: String

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let requestID = UUID().uuidString
      let reply = try await session.groups { service in
        try await service.dissolveGroup(
          .with {
            $0.requestID = requestID
            $0.cohortNumber = cohort
            $0.group = group
          })
      }
      return try output.render(reply) { "Dissolved group \(group) of cohort \(cohort)." }
    }
  }

  public struct List: CLICommand {
    public static let configuration = CommandConfiguration(
      abstract: "Each group with its partner, size, attendance, posts against the goal and presentations.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The cohort's number.") var cohort: Int32
    @OptionGroup var limit: LimitOptions

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      var reply = try await session.groups { service in try await service.listGroups(.with { $0.cohortNumber = cohort })
      }
      reply.groups = limit.apply(reply.groups)
      return try output.render(reply, text: { Rendering.groups(reply) }, sheets: { [Rendering.groupsSheet(reply)] })
    }
  }

  public struct Show: CLICommand {
    public static let configuration = CommandConfiguration(
      abstract: "A group's roster with attendance and posts, and who to nudge.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The cohort's number.") var cohort: Int32
    @Argument(help: "The group's name or id.") var group: String

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let reply = try await Groups.get(cohort: cohort, group: group, in: session)
      return try output.render(reply, text: { Rendering.group(reply) }, sheets: { [Rendering.membersTable(reply)] })
    }
  }

  /// One group's roster, sessions, posts and presentations.
  static func get(cohort: Int32, group: String, in session: Session) async throws -> Cohort_V1_GetGroupReply {
    try await session.groups { service in
      try await service.getGroup(
        .with {
          $0.cohortNumber = cohort
          $0.group = group
        })
    }
  }

  static func place(
    _ session: Session, cohort: Int32, member: String, group: String, allowMove: Bool
  ) async throws -> Cohort_V1_GroupCommandReply {
    let requestID = UUID().uuidString
    return try await session.groups { service in
      try await service.placeMember(
        .with {
          $0.requestID = requestID
          $0.cohortNumber = cohort
          $0.member = .named(member)
          $0.group = group
          $0.allowMove = allowMove
        })
    }
  }
}

/// `cohort sessions add|list`: a group's sessions.
public struct Sessions: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    abstract: "A group's sessions.", subcommands: [Add.self, List.self], defaultSubcommand: List.self)

  public init() {}

  public struct Add: CLICommand {
    public static let configuration = CommandConfiguration(
      abstract: "Add a session to a group.",
      discussion: "Example: cohort sessions add 9 --group 1조 --date 2027-03-05 --topic 'AI로 보고서 쓰기'")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The cohort's number.") var cohort: Int32
    @Option(help: "The group's name or id.") var group: String
    @Option(help: "The day, YYYY-MM-DD.") var date: String
    @Option(help: "What it was about.") var topic: String
    @Option(help: "online or offline.") var mode: SessionMode = .offline

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let requestID = UUID().uuidString
      let day = try usage { () throws(DomainError) in try CalendarDate(iso: date) }
      let reply = try await session.groups { service in
        try await service.addSession(
          .with {
            $0.requestID = requestID
            $0.cohortNumber = cohort
            $0.group = group
            $0.date = day.proto
            $0.topic = topic
            $0.mode = mode.proto
          })
      }
      return try output.render(reply) { "Added session \(reply.sessionID) to group \(group) on \(day)." }
    }
  }

  public struct List: CLICommand {
    public static let configuration = CommandConfiguration(abstract: "A group's sessions with their attendance.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The cohort's number.") var cohort: Int32
    @Option(help: "The group's name or id.") var group: String

    @OptionGroup var limit: LimitOptions

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      var reply = try await Groups.get(cohort: cohort, group: group, in: session)
      reply.sessions = limit.apply(reply.sessions)
      return try output.render(reply, text: { Rendering.sessions(reply) }, sheets: { [Rendering.sessionsTable(reply)] })
    }
  }
}

/// `cohort attendance mark SESSION --cohort N --present a@x,b@x --absent … --excused …`
public struct AttendanceCommand: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "attendance", abstract: "Who came to a session.", subcommands: [Mark.self])

  public init() {}

  public struct Mark: CLICommand {
    public static let configuration = CommandConfiguration(
      abstract: "Mark members present, absent or excused (e-mails, repeated or comma-separated).")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The session's id.") var session: String
    @Option(help: "The cohort's number.") var cohort: Int32
    @Option(parsing: .upToNextOption, help: "Members who came.") var present: [String] = []
    @Option(parsing: .upToNextOption, help: "Members who did not come.") var absent: [String] = []
    @Option(parsing: .upToNextOption, help: "Members excused.") var excused: [String] = []

    public init() {}

    public func validate() throws {
      guard !(present + absent + excused).isEmpty else {
        throw ValidationError("mark someone with --present, --absent or --excused")
      }
    }

    public func output(_ session: Session) async throws -> Printout {
      let requestID = UUID().uuidString
      func people(_ values: [String]) -> [Cohort_V1_PersonRef] {
        values.flatMap { $0.split(separator: ",") }.map { .named($0.trimmingCharacters(in: .whitespaces)) }
      }
      let reply = try await session.groups { service in
        try await service.markAttendance(
          .with {
            $0.requestID = requestID
            $0.cohortNumber = cohort
            $0.sessionID = self.session
            $0.present = people(present)
            $0.absent = people(absent)
            $0.excused = people(excused)
          })
      }
      return try output.render(reply) { "Marked attendance for session \(reply.sessionID)." }
    }
  }
}

/// `cohort posts add|list`: members' posts (the goal is 2 per member per cohort).
public struct Posts: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    abstract: "Members' posts.", subcommands: [Add.self, List.self], defaultSubcommand: List.self)

  public init() {}

  public struct Add: CLICommand {
    public static let configuration = CommandConfiguration(abstract: "Record a member's post.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The cohort's number.") var cohort: Int32
    @Option(help: "The member's e-mail or person id.") var email: String
    @Option(help: "The post's title.") var title: String
    @Option(help: "Where it is, https://…") var url: String
    @Option(help: "The day it was posted, YYYY-MM-DD (default: today in Korea).") var date: String?

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let requestID = UUID().uuidString
      let day = try date.map { text in try usage { () throws(DomainError) in try CalendarDate(iso: text) } }
      let reply = try await session.groups { service in
        try await service.addPost(
          .with {
            $0.requestID = requestID
            $0.cohortNumber = cohort
            $0.member = .named(email)
            $0.title = title
            $0.url = url
            if let day { $0.date = day.proto }
          })
      }
      return try output.render(reply) { "Recorded the post \"\(title)\" by \(email)." }
    }
  }

  public struct List: CLICommand {
    public static let configuration = CommandConfiguration(abstract: "A group's posts.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The cohort's number.") var cohort: Int32
    @Option(help: "The group's name or id.") var group: String

    @OptionGroup var limit: LimitOptions

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      var reply = try await Groups.get(cohort: cohort, group: group, in: session)
      reply.posts = limit.apply(reply.posts)
      return try output.render(reply, text: { Rendering.posts(reply) }, sheets: { [Rendering.postsTable(reply)] })
    }
  }
}

/// `cohort presentations add`: who presented their AI use case in which session.
public struct Presentations: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    abstract: "Members' presentations.", subcommands: [Add.self])

  public init() {}

  public struct Add: CLICommand {
    public static let configuration = CommandConfiguration(abstract: "Record that a member presented in a session.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The cohort's number.") var cohort: Int32
    @Option(help: "The member's e-mail or person id.") var email: String
    @Option(help: "The session's id.") var session: String
    @Option(help: "What they presented.") var title: String

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let requestID = UUID().uuidString
      let reply = try await session.groups { service in
        try await service.addPresentation(
          .with {
            $0.requestID = requestID
            $0.cohortNumber = cohort
            $0.member = .named(email)
            $0.sessionID = self.session
            $0.title = title
          })
      }
      return try output.render(reply) { "Recorded the presentation \"\(title)\" by \(email)." }
    }
  }
}

extension SessionMode: ExpressibleByArgument {}
