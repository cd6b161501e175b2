import CohortAPI
import CohortClient
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2

/// One CLI invocation's connection: resolves the settings, calls, and turns failures into words.
public struct Session: Sendable {
  public typealias Client = GRPCClient<HTTP2ClientTransport.Posix>

  public let settings: ClientSettings
  /// The context the settings came from (`local`: the cohortd on this machine, or flags).
  public var contextName = CLIConfigFile.localContext
  /// How often a call is tried when the server is unreachable or a record changed concurrently.
  /// Commands carry a request id, so a retry never applies a command twice.
  public var attempts = 3

  public init(
    _ connection: ConnectionOptions, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws {
    settings = try connection.settings(environment: environment)
    contextName = connection.contextName(environment: environment)
  }

  public init(settings: ClientSettings) {
    self.settings = settings
  }

  public func call<Result: Sendable>(_ body: (Client) async throws -> Result) async throws -> Result {
    var delay = Duration.milliseconds(300)
    for attempt in 1...attempts {
      do {
        return try await settings.withClient(body)
      } catch let error as RPCError {
        guard attempt < attempts, error.code == .unavailable || error.code == .aborted else {
          throw CLIError(error, server: settings.address.description)
        }
      }
      try await Task.sleep(for: delay)
      delay *= 2
    }
    throw CLIError("unreachable", exitCode: ExitCodes.unavailable)
  }
}

extension Session {
  /// Calls one service, with the session's retries.
  func service<Service: Sendable, Result: Sendable>(
    _ wrap: @Sendable (Client) -> Service, _ body: (Service) async throws -> Result
  ) async throws -> Result {
    try await call { client in try await body(wrap(client)) }
  }

  func enrollment<Result: Sendable>(
    _ body: (Cohort_V1_EnrollmentService.Client<HTTP2ClientTransport.Posix>) async throws -> Result
  ) async throws -> Result {
    try await service(Cohort_V1_EnrollmentService.Client.init(wrapping:), body)
  }

  func admin<Result: Sendable>(
    _ body: (Cohort_V1_AdminService.Client<HTTP2ClientTransport.Posix>) async throws -> Result
  ) async throws -> Result {
    try await service(Cohort_V1_AdminService.Client.init(wrapping:), body)
  }

  func people<Result: Sendable>(
    _ body: (Cohort_V1_PeopleService.Client<HTTP2ClientTransport.Posix>) async throws -> Result
  ) async throws -> Result {
    try await service(Cohort_V1_PeopleService.Client.init(wrapping:), body)
  }

  func groups<Result: Sendable>(
    _ body: (Cohort_V1_GroupsService.Client<HTTP2ClientTransport.Posix>) async throws -> Result
  ) async throws -> Result {
    try await service(Cohort_V1_GroupsService.Client.init(wrapping:), body)
  }

  func outreach<Result: Sendable>(
    _ body: (Cohort_V1_OutreachService.Client<HTTP2ClientTransport.Posix>) async throws -> Result
  ) async throws -> Result {
    try await service(Cohort_V1_OutreachService.Client.init(wrapping:), body)
  }

  func payments<Result: Sendable>(
    _ body: (Cohort_V1_PaymentsService.Client<HTTP2ClientTransport.Posix>) async throws -> Result
  ) async throws -> Result {
    try await service(Cohort_V1_PaymentsService.Client.init(wrapping:), body)
  }
}
