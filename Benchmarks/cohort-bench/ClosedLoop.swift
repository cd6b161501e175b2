import CohortClient
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Synchronization

typealias Client = GRPCClient<HTTP2ClientTransport.Posix>

/// Closed-loop load: `workers` clients, each sending its next call as soon as the previous one
/// answered, for `warmup` and then `duration`, or until `maximumRequests` calls were sent.
///
/// Every worker has its own `GRPCClient`, hence its own TLS connection (HTTP/2 multiplexes one
/// connection, but a real deployment has one connection per CLI or service instance, and a
/// shared connection would measure one client-side event loop rather than the server). It is
/// the same shape as pgbench's baseline: N clients, N connections. Connections are made during
/// the warm-up, which also lets the server's caches and pools settle; only calls that complete
/// after the warm-up and before the end count.
struct ClosedLoop: Sendable {
  var workers: Int
  var warmup: Duration
  var duration: Duration
  var maximumRequests: Int
  /// Sent with every measured call (`--deadline`): with or without a deadline.
  var callOptions: CallOptions

  /// For the unmeasured calls of a setup: none waits forever on a stuck server.
  static let setupCallOptions = CallOptions.deadline(seconds: 30)

  private struct WorkerResult: Sendable {
    var latencies: [UInt32]
    var exhausted: Bool
    var lastCompletion: ContinuousClock.Instant
  }

  /// Runs the load. `call` makes one RPC; any error it throws stops every worker and is
  /// reported as the server's refusal of `name`.
  func run(
    settings: ClientSettings, name: String,
    call: @escaping @Sendable (Client, CallOptions, _ worker: Int, _ sequence: Int) async throws -> Void
  ) async throws -> LatencySummary {
    let clock = ContinuousClock()
    let cpuAtStart = Self.processCPU()
    let budget = RequestBudget(maximum: maximumRequests)
    let start = clock.now
    let measureFrom = start + warmup
    let measureUntil = measureFrom + duration
    let options = callOptions
    let results = try await withThrowingTaskGroup(of: WorkerResult.self) { group in
      for worker in 0..<workers {
        group.addTask {
          try await settings.withClient { client in
            var latencies: [UInt32] = []
            latencies.reserveCapacity(1 << 14)
            var sequence = 0
            var exhausted = false
            var lastCompletion = measureFrom
            while true {
              let begin = clock.now
              if begin >= measureUntil { break }
              guard budget.take() else {
                exhausted = true
                break
              }
              do {
                try await call(client, options, worker, sequence)
              } catch {
                throw BenchFailure.rpc(name, error)
              }
              sequence += 1
              let end = clock.now
              if end >= measureFrom && end <= measureUntil {
                latencies.append(Self.microseconds(end - begin))
                lastCompletion = end
              }
            }
            return WorkerResult(latencies: latencies, exhausted: exhausted, lastCompletion: lastCompletion)
          }
        }
      }
      var all: [WorkerResult] = []
      for try await result in group { all.append(result) }
      return all
    }
    var latencies = results.flatMap(\.latencies)
    latencies.sort()
    // Stopped by the request budget: the window ends at the last completion, not at the clock.
    let window =
      results.contains(where: \.exhausted)
      ? (results.map(\.lastCompletion).max() ?? measureUntil) - measureFrom : duration
    var summary = LatencySummary(sorted: latencies, window: window)
    summary.sent = min(budget.sent, maximumRequests)
    summary.clientCPU = Self.processCPU() - cpuAtStart
    return summary
  }

  /// The CPU time (user + system) this process has used so far: the load generator shares the
  /// server's cores, so what it spends per call is part of every ratio.
  static func processCPU() -> Duration {
    var usage = rusage()
    guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return .zero }
    func duration(_ time: timeval) -> Duration { .seconds(time.tv_sec) + .microseconds(time.tv_usec) }
    return duration(usage.ru_utime) + duration(usage.ru_stime)
  }

  static func microseconds(_ duration: Duration) -> UInt32 {
    let (seconds, attoseconds) = duration.components
    let micros = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    return UInt32(clamping: max(micros, 0))
  }
}

/// How many calls may still be sent, shared by the workers.
final class RequestBudget: Sendable {
  private let counter = Atomic<Int>(0)
  let maximum: Int

  /// Calls taken so far (warm-up included; may overshoot `maximum` by the refused takes).
  var sent: Int { counter.load(ordering: .relaxed) }

  init(maximum: Int) {
    self.maximum = maximum
  }

  /// Takes one call from the budget; `false` once it is spent.
  func take() -> Bool {
    counter.add(1, ordering: .relaxed).newValue <= maximum
  }
}

extension CallOptions {
  /// The default options with a timeout of `seconds`.
  static func deadline(seconds: Double) -> CallOptions {
    var options = CallOptions.defaults
    options.timeout = .milliseconds(Int64(seconds * 1000))
    return options
  }
}
