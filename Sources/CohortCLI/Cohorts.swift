import ArgumentParser
import CohortAPI
import CohortDomain
import CohortMapping
import Foundation

/// `cohort cohorts ...`: schedule, open, close, start, complete, cancel, list, show and report.
public struct Cohorts: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    abstract: "Schedule cohorts and take them through their life; list, show and report them.",
    subcommands: [
      List.self, Show.self, Report.self, Schedule.self, Open.self, Close.self, Start.self, Complete.self, Cancel.self,
    ],
    defaultSubcommand: List.self)

  public init() {}

  public struct List: CLICommand {
    public static let configuration = CommandConfiguration(abstract: "List the community's cohorts.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only cohorts that are scheduled, open, closed, started, completed or cancelled.")
    var status: StatusFilter?
    @OptionGroup var limit: LimitOptions

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let cohorts = try await limit.collect { token, size in
        let page = try await session.enrollment { service in
          try await service.listCohorts(
            .with {
              $0.status = status?.proto ?? .unspecified
              $0.pageSize = size
              $0.pageToken = token
            })
        }
        return (page.cohorts, page.nextPageToken)
      }
      return try output.render(
        Cohort_V1_ListCohortsReply.with { $0.cohorts = cohorts }, text: { Rendering.cohorts(cohorts) },
        sheets: { [Rendering.cohortsSheet(cohorts)] })
    }
  }

  public struct Show: CLICommand {
    public static let configuration = CommandConfiguration(abstract: "Show a cohort with its members and waitlist.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The cohort's number.") var number: Int32

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      // Every page of the roster, gathered into one reply.
      var reply = Cohort_V1_GetCohortReply()
      var token = ""
      repeat {
        let page = try await session.enrollment { service in
          try await service.getCohort(
            .with {
              $0.cohortNumber = number
              $0.pageToken = token
              if reply.position > 0 { $0.consistency.minPosition = reply.position }
            })
        }
        if token.isEmpty {
          reply = page
        } else {
          reply.members += page.members
          reply.waitlist += page.waitlist
        }
        token = page.nextPageToken
      } while !token.isEmpty
      reply.nextPageToken = ""
      return try output.render(reply, text: { Rendering.cohort(reply) }, sheets: { [Rendering.rosterSheet(reply)] })
    }
  }

  public struct Schedule: CLICommand {
    public static let configuration = CommandConfiguration(
      abstract: "Schedule a cohort.",
      discussion:
        "Example: cohort cohorts schedule --number 9 --title 'AI 활용 부트캠프 9기' --price 200000 --currency KRW --capacity 300 --starts 2026-12-01 --ends 2027-01-31"
    )
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "The cohort's number (기수), unique in the community.") var number: Int32
    @Option(help: "Title.") var title: String
    @Option(help: "Price in major units, e.g. 200000 (KRW) or 12.50 (USD); 0 for free.") var price: String
    @Option(help: "ISO 4217 currency code.") var currency = "KRW"
    @Option(help: "Seats; further members are waitlisted.") var capacity: Int32
    @Option(help: "First day, YYYY-MM-DD.") var starts: String
    @Option(help: "Last day, YYYY-MM-DD.") var ends: String

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let money: Money
      let startsOn: CalendarDate
      let endsOn: CalendarDate
      do {
        money = try Money(parsing: price, currency: try Currency(currency, field: "currency"), field: "price")
        startsOn = try CalendarDate(iso: starts, field: "starts")
        endsOn = try CalendarDate(iso: ends, field: "ends")
      } catch {
        throw CLIError(error.message, exitCode: ExitCodes.usage)
      }
      let requestID = UUID().uuidString
      let reply = try await session.enrollment { service in
        try await service.scheduleCohort(
          .with {
            $0.requestID = requestID
            $0.number = number
            $0.title = title
            $0.price = money.proto
            $0.capacity = capacity
            $0.startsOn = startsOn.proto
            $0.endsOn = endsOn.proto
          })
      }
      return try output.render(reply) { "Scheduled cohort \(number) (\(money.formatted), \(capacity) seats)." }
    }
  }

  public struct Open: CLICommand {
    public static let configuration = CommandConfiguration(abstract: "Open enrollment for a cohort.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The cohort's number.") var number: Int32

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      try await Cohorts.step(.open, number: number, session: session, output: output)
    }
  }

  public struct Close: CLICommand {
    public static let configuration = CommandConfiguration(abstract: "Close enrollment for a cohort.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The cohort's number.") var number: Int32

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      try await Cohorts.step(.close, number: number, session: session, output: output)
    }
  }

  public struct Start: CLICommand {
    public static let configuration = CommandConfiguration(
      abstract: "Start a cohort: enrollment closes, nobody enrolls any more.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The cohort's number.") var number: Int32

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      try await Cohorts.step(.start, number: number, session: session, output: output)
    }
  }

  public struct Complete: CLICommand {
    public static let configuration = CommandConfiguration(abstract: "Complete a cohort: its members become alumni.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The cohort's number.") var number: Int32

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      try await Cohorts.step(.complete, number: number, session: session, output: output)
    }
  }

  public struct Cancel: CLICommand {
    public static let configuration = CommandConfiguration(
      abstract: "Cancel a cohort: nobody is enrolled any more; whoever paid is listed as refund due.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The cohort's number.") var number: Int32
    @Flag(help: "Do not ask for confirmation.") var yes = false

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      if !yes { try Confirmation.ask("Cancel cohort \(number) for good?") }
      return try await Cohorts.step(.cancel, number: number, session: session, output: output)
    }
  }

  public struct Report: CLICommand {
    public static let configuration = CommandConfiguration(
      abstract: "Seats, paying members, scholarships, revenue, refunds due, paid but not seated, alumni.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The cohort's number.") var number: Int32

    public init() {}

    public func output(_ session: Session) async throws -> Printout {
      let reply = try await session.enrollment { service in
        try await service.getCohortReport(.with { $0.cohortNumber = number })
      }
      return try output.render(reply, text: { Rendering.report(reply) }, sheets: { Rendering.reportSheets(reply) })
    }
  }
}

extension Cohorts {
  enum Step {
    case open, close, start, complete, cancel
  }

  /// One step in a cohort's life: the commands differ only in the RPC and the words.
  static func step(_ step: Step, number: Int32, session: Session, output: OutputOptions) async throws -> Printout {
    let request = Cohort_V1_CohortCommandRequest.with {
      $0.requestID = UUID().uuidString
      $0.cohortNumber = number
    }
    let reply = try await session.enrollment { service in
      switch step {
      case .open: try await service.openEnrollment(request)
      case .close: try await service.closeEnrollment(request)
      case .start: try await service.startCohort(request)
      case .complete: try await service.completeCohort(request)
      case .cancel: try await service.cancelCohort(request)
      }
    }
    return try output.render(reply) {
      switch step {
      case .open: "Enrollment for cohort \(number) is open."
      case .close: "Enrollment for cohort \(number) is closed."
      case .start: "Cohort \(number) has started."
      case .complete: "Cohort \(number) is completed: its members are alumni."
      case .cancel: "Cohort \(number) is cancelled; see `cohort cohorts report \(number)` for refunds due."
      }
    }
  }
}

enum StatusFilter: String, ExpressibleByArgument, CaseIterable {
  case scheduled, open, closed, started, completed, cancelled

  var proto: Cohort_V1_CohortStatus {
    switch self {
    case .scheduled: .scheduled
    case .open: .open
    case .closed: .closed
    case .started: .started
    case .completed: .completed
    case .cancelled: .cancelled
    }
  }
}
