import ArgumentParser
import CohortAPI
import CohortClient
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NIOCore
import NIOPosix

/// Resource floods from callers without a token (and far position waits), while the owner keeps
/// working on a connection opened before: thousands of TCP connections that never start their
/// TLS handshake, tokenless health Watch streams, and queries for positions far beyond the log's
/// head. The owner's latency is measured before and during the flood; its p99 must stay bounded
/// and the server must answer everything it is asked afterwards.
struct Flood: AsyncParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Flood cohortd while measuring the owner's latency.")

  @OptionGroup var targets: Targets

  @Option(help: "Seconds to measure before the flood, and during it.")
  var seconds = 10

  @Option(help: "TCP connections that never start a TLS handshake.")
  var handshakes = 1_500

  @Option(help: "Health Watch streams without a token.")
  var watches = 300

  @Option(help: "Concurrent callers asking for a position beyond the log's head, in a loop.")
  var farWaits = 16

  @Option(help: "The owner's p99 during the flood must stay under this many milliseconds.")
  var boundMs = 1_000

  @Option(help: "A cohort the owner reads (GetCohort), scheduled beforehand.")
  var cohort: Int32 = 1

  func run() async throws {
    raiseFileLimit()
    let settings = try targets.settings()[0]
    let anonymous = ClientSettings(address: settings.address, caCertificatePath: settings.caCertificatePath, token: nil)
    let (seconds, handshakes, watches, farWaits, cohort) = (seconds, handshakes, watches, farWaits, cohort)
    let bound = Duration.milliseconds(boundMs)

    let outcome = try await Connections.with([settings]) {
      owner -> (before: Latencies, during: Latencies, flood: String) in
      let service = Cohort_V1_EnrollmentService.Client(wrapping: owner[0])
      let before = await Self.measure(service, cohort: cohort, for: .seconds(seconds))
      print("flood: owner before: \(before.summary)")

      let stop = Locked(false)
      let silent = Locked<[any Channel]>([])
      let refused = Locked(0)
      let watchCodes = Tally(samplesPerCode: 2)
      let farCodes = Tally(samplesPerCode: 2)
      let during = try await Connections.with([anonymous], perServer: 4) { anonymousClients in
        try await Connections.with([settings], perServer: 2) { farClients in
          await withTaskGroup(of: Void.self) { tasks in
            // 2. Tokenless health watches, spread over four connections.
            for index in 0..<watches {
              tasks.addTask {
                let health = Grpc_Health_V1_Health.Client(wrapping: anonymousClients[index % anonymousClients.count])
                // A watch never ends by itself: the end of the flood (or a deadline) ends it.
                var options = CallOptions.defaults
                options.timeout = .seconds(seconds + 60)
                do {
                  try await health.watch(.with { $0.service = "" }, options: options) { response in
                    for try await _ in response.messages {
                      watchCodes.record("SERVING", key: "watch")
                      break
                    }
                    // Held open, unread, until the deadline or the end of the flood.
                    while !stop.value { try await Task.sleep(for: .milliseconds(100)) }
                  }
                } catch  where stop.value {
                } catch {
                  watchCodes.record(StatusName.of(error: error).name, key: "watch")
                  try? await Task.sleep(for: .milliseconds(20))
                }
              }
            }
            // 3. Far position waits, in a loop.
            for index in 0..<farWaits {
              tasks.addTask {
                let far = Cohort_V1_EnrollmentService.Client(wrapping: farClients[index % farClients.count])
                while !stop.value {
                  do {
                    _ = try await far.getCohort(
                      .with {
                        $0.cohortNumber = cohort
                        $0.consistency = .with { $0.minPosition = .max / 2 }
                      })
                    farCodes.record(StatusName.ok, key: "far")
                  } catch {
                    guard !stop.value else { break }
                    let code = StatusName.of(error: error).name
                    farCodes.record(code, key: "far")
                    // A connection refused at the cap fails at once: do not spin on it.
                    if code != "OUT_OF_RANGE" { try? await Task.sleep(for: .milliseconds(20)) }
                  }
                }
              }
            }
            try? await Task.sleep(for: .seconds(1))
            // 1. Connections that never speak.
            let group = MultiThreadedEventLoopGroup.singleton
            for _ in 0..<handshakes {
              do {
                let channel = try await ClientBootstrap(group: group)
                  .connect(host: settings.address.host, port: settings.address.port).get()
                channel.closeFuture.whenComplete { _ in refused.withLock { $0 += 1 } }
                silent.withLock { $0.append(channel) }
              } catch {
                refused.withLock { $0 += 1 }
              }
            }
            print("flood: \(handshakes) silent connections opened; \(refused.value) closed by the server so far")
            let during = await Self.measure(service, cohort: cohort, for: .seconds(seconds))
            stop.withLock { $0 = true }
            tasks.cancelAll()
            return during
          }
        }
      }
      let flood =
        "silent connections closed by the server: \(refused.value) of \(handshakes); watches: \(watchCodes.snapshot.total.rendered); far waits: \(farCodes.snapshot.total.rendered)"
      for channel in silent.value { channel.close(promise: nil) }
      return (before, during, flood)
    }
    print("flood: owner during: \(outcome.during.summary)")
    print("flood: \(outcome.flood)")
    var problems: [String] = []
    if outcome.during.failures > 0 {
      problems.append("\(outcome.during.failures) of the owner's calls failed during the flood")
    }
    if let p99 = outcome.during.p99, p99 > bound {
      problems.append("the owner's p99 was \(Latencies.text(p99)) during the flood (bound \(boundMs) ms)")
    }
    // Afterwards a new connection is served again.
    let after = try await Connections.with([settings]) { clients in
      await Self.measure(Cohort_V1_EnrollmentService.Client(wrapping: clients[0]), cohort: cohort, for: .seconds(2))
    }
    if after.failures > 0 || after.count == 0 { problems.append("a new connection after the flood was not served") }
    for problem in problems { print("flood: FAIL: \(problem)") }
    print(
      "flood: \(problems.isEmpty ? "PASS" : "FAIL"): owner p99 \(Latencies.text(outcome.before.p99)) before, \(Latencies.text(outcome.during.p99)) during (bound \(boundMs) ms)"
    )
    if !problems.isEmpty { throw ExitCode(1) }
  }

  struct Latencies: Sendable {
    var samples: [Duration] = []
    var failures = 0
    var count: Int { samples.count }

    func percentile(_ p: Double) -> Duration? {
      guard !samples.isEmpty else { return nil }
      let sorted = samples.sorted()
      return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }
    var p99: Duration? { percentile(0.99) }
    var summary: String {
      "\(count) GetCohort calls, p50 \(Self.text(percentile(0.5))), p99 \(Self.text(p99)), max \(Self.text(samples.max())), \(failures) failed"
    }

    static func text(_ duration: Duration?) -> String {
      guard let duration else { return "-" }
      let (seconds, attoseconds) = duration.components
      return String(format: "%.1f ms", Double(seconds) * 1000 + Double(attoseconds) / 1e15)
    }
  }

  /// The owner's GetCohort, one after another, for `duration`.
  private static func measure(
    _ service: Cohort_V1_EnrollmentService.Client<HTTP2ClientTransport.Posix>, cohort: Int32, for duration: Duration
  ) async -> Latencies {
    var latencies = Latencies()
    let clock = ContinuousClock()
    let end = clock.now + duration
    var options = CallOptions.defaults
    options.timeout = .seconds(10)
    while clock.now < end {
      let start = clock.now
      do {
        _ = try await service.getCohort(.with { $0.cohortNumber = cohort }, options: options)
        latencies.samples.append(clock.now - start)
      } catch {
        latencies.failures += 1
      }
    }
    return latencies
  }

  private func raiseFileLimit() {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
    limit.rlim_cur = limit.rlim_max
    _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
  }
}
