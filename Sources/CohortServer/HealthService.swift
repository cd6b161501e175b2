import CohortAPI
import GRPCCore
import Synchronization

/// `grpc.health.v1.Health`: SERVING once the read model has caught up with the log at start,
/// NOT_SERVING from the moment shutdown begins. The empty service name is the whole server.
final class HealthService: Grpc_Health_V1_Health.SimpleServiceProtocol, Sendable {
  typealias Status = Grpc_Health_V1_HealthCheckResponse.ServingStatus

  private struct State {
    var statuses: [String: Status]
    var stopping = false
  }

  private let state: Mutex<State>
  /// Why a service cannot answer although the server runs (its read model stopped), if it cannot.
  private let stopped: @Sendable (_ service: String) -> String?

  init(services: [String], stopped: @escaping @Sendable (_ service: String) -> String? = { _ in nil }) {
    state = Mutex(State(statuses: Dictionary(uniqueKeysWithValues: ([""] + services).map { ($0, .notServing) })))
    self.stopped = stopped
  }

  func setServing() {
    state.withLock { state in
      for key in state.statuses.keys { state.statuses[key] = .serving }
    }
  }

  /// Shutdown has begun: answer NOT_SERVING, and end the Watch streams so they do not hold it up.
  func setStopping() {
    state.withLock { state in
      for key in state.statuses.keys { state.statuses[key] = .notServing }
      state.stopping = true
    }
  }

  private func status(of service: String) -> (Status?, stopping: Bool) {
    let (status, stopping) = state.withLock { ($0.statuses[service], $0.stopping) }
    // The whole server ("") serves while any service can; a stopped access model stops them all.
    let affected =
      service.isEmpty ? CohortReadModel.cohortServices.allSatisfy { stopped($0) != nil } : stopped(service) != nil
    return (status == .serving && affected ? .notServing : status, stopping)
  }

  func check(
    request: Grpc_Health_V1_HealthCheckRequest, context: ServerContext
  ) async throws -> Grpc_Health_V1_HealthCheckResponse {
    guard let status = status(of: request.service).0 else {
      throw RPCError(code: .notFound, message: "unknown service '\(request.service.prefix(200))'")
    }
    return .with { $0.status = status }
  }

  /// Sends the status now and whenever it changes, until the client cancels or shutdown begins.
  func watch(
    request: Grpc_Health_V1_HealthCheckRequest,
    response: RPCWriter<Grpc_Health_V1_HealthCheckResponse>,
    context: ServerContext
  ) async throws {
    var last: Status?
    while !context.cancellation.isCancelled {
      let (status, stopping) = status(of: request.service)
      let current = status ?? .serviceUnknown
      if current != last {
        try await response.write(.with { $0.status = current })
        last = current
      }
      if stopping { return }
      try await Task.sleep(for: .milliseconds(250))
    }
  }
}
