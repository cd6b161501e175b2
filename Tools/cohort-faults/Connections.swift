import CohortClient
import GRPCCore
import GRPCNIOTransportHTTP2

typealias Client = GRPCClient<HTTP2ClientTransport.Posix>

/// Runs gRPC clients (each its own HTTP/2 connection) for the duration of `body`.
enum Connections {
  static func with<T: Sendable>(
    _ settings: [ClientSettings], perServer: Int = 1, _ body: @Sendable ([Client]) async throws -> T
  ) async throws -> T {
    var clients: [Client] = []
    for setting in settings {
      for _ in 0..<max(perServer, 1) {
        clients.append(
          GRPCClient(
            transport: try setting.makeTransport(),
            interceptors: setting.token.map { [BearerTokenInterceptor(token: $0)] } ?? []))
      }
    }
    let all = clients
    return try await withThrowingTaskGroup(of: T?.self) { group in
      for client in all {
        group.addTask {
          try await client.runConnections(); return nil
        }
      }
      let result: T
      do {
        result = try await body(all)
      } catch {
        for client in all { client.beginGracefulShutdown() }
        group.cancelAll()
        throw error
      }
      for client in all { client.beginGracefulShutdown() }
      // Give in-flight calls a moment; then stop whatever is left.
      group.addTask {
        try await Task.sleep(for: .seconds(5))
        throw CancellationError()
      }
      do {
        var running = all.count
        while running > 0, let _ = try await group.next() { running -= 1 }
      } catch {}
      group.cancelAll()
      return result
    }
  }
}
