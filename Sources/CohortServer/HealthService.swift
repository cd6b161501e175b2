import CohortAPI
import GRPCCore
import Synchronization

/// `grpc.health.v1.Health`: SERVING once the read model has caught up with the log at start,
/// NOT_SERVING while shutting down. The empty service name is the whole server.
final class HealthService: Grpc_Health_V1_Health.SimpleServiceProtocol, Sendable {
  typealias Status = Grpc_Health_V1_HealthCheckResponse.ServingStatus

  private let statuses: Mutex<[String: Status]>

  init(services: [String]) {
    statuses = Mutex(Dictionary(uniqueKeysWithValues: ([""] + services).map { ($0, .notServing) }))
  }

  func setServing(_ serving: Bool) {
    statuses.withLock { statuses in
      for key in statuses.keys { statuses[key] = serving ? .serving : .notServing }
    }
  }

  private func status(of service: String) -> Status? {
    statuses.withLock { $0[service] }
  }

  func check(request: Grpc_Health_V1_HealthCheckRequest, context: ServerContext) async throws
    -> Grpc_Health_V1_HealthCheckResponse
  {
    guard let status = status(of: request.service) else {
      throw RPCError(code: .notFound, message: "unknown service '\(request.service)'")
    }
    return .with { $0.status = status }
  }

  func watch(
    request: Grpc_Health_V1_HealthCheckRequest,
    response: RPCWriter<Grpc_Health_V1_HealthCheckResponse>,
    context: ServerContext
  ) async throws {
    var last: Status?
    repeat {
      let current = status(of: request.service) ?? .serviceUnknown
      if current != last {
        try await response.write(.with { $0.status = current })
        last = current
      }
      try await Task.sleep(for: .milliseconds(500))
    } while !Task.isCancelled
  }
}
