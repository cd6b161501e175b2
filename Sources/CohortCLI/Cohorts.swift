import ArgumentParser
import CohortAPI
import CohortDomain
import CohortMapping
import Foundation

/// `cohort cohorts ...`: schedule, open, close, list and show cohorts.
public struct Cohorts: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    abstract: "Schedule, open, close, list and show cohorts.",
    subcommands: [List.self, Show.self, Schedule.self, Open.self, Close.self],
    defaultSubcommand: List.self)

  public init() {}

  public struct List: CLICommand {
    public static let configuration = CommandConfiguration(abstract: "List the community's cohorts.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only cohorts that are scheduled, open or closed.")
    var status: StatusFilter?

    public init() {}

    public func output(_ session: Session) async throws -> String {
      var cohorts: [Cohort_V1_Cohort] = []
      var token = ""
      repeat {
        let page = try await session.enrollment { service in
          try await service.listCohorts(
            .with {
              $0.status = status?.proto ?? .unspecified
              $0.pageSize = 500
              $0.pageToken = token
            })
        }
        cohorts += page.cohorts
        token = page.nextPageToken
      } while !token.isEmpty
      switch output.format {
      case .table: return Rendering.cohorts(cohorts)
      case .json: return try Rendering.json(Cohort_V1_ListCohortsReply.with { $0.cohorts = cohorts })
      }
    }
  }

  public struct Show: CLICommand {
    public static let configuration = CommandConfiguration(abstract: "Show a cohort with its members and waitlist.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The cohort's number.") var number: Int32

    public init() {}

    public func output(_ session: Session) async throws -> String {
      let reply = try await session.enrollment { service in
        try await service.getCohort(.with { $0.cohortNumber = number })
      }
      return try output.render(reply) { Rendering.cohort(reply) }
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

    public func output(_ session: Session) async throws -> String {
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

    public func output(_ session: Session) async throws -> String {
      try await Cohorts.setEnrollment(open: true, number: number, session: session, output: output)
    }
  }

  public struct Close: CLICommand {
    public static let configuration = CommandConfiguration(abstract: "Close enrollment for a cohort.")
    @OptionGroup public var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The cohort's number.") var number: Int32

    public init() {}

    public func output(_ session: Session) async throws -> String {
      try await Cohorts.setEnrollment(open: false, number: number, session: session, output: output)
    }
  }
}

extension Cohorts {
  /// Opens or closes enrollment: the two commands differ only in the RPC and the words.
  static func setEnrollment(
    open: Bool, number: Int32, session: Session, output: OutputOptions
  ) async throws
    -> String
  {
    let request = Cohort_V1_CohortCommandRequest.with {
      $0.requestID = UUID().uuidString
      $0.cohortNumber = number
    }
    let reply = try await session.enrollment { service in
      open ? try await service.openEnrollment(request) : try await service.closeEnrollment(request)
    }
    return try output.render(reply) { "Enrollment for cohort \(number) is \(open ? "open" : "closed")." }
  }
}

enum StatusFilter: String, ExpressibleByArgument, CaseIterable {
  case scheduled, open, closed

  var proto: Cohort_V1_CohortStatus {
    switch self {
    case .scheduled: .scheduled
    case .open: .open
    case .closed: .closed
    }
  }
}
