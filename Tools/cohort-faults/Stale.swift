import ArgumentParser
import CohortAPI
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2

/// The two-server stale-state sequence: one member enrolled through server A, withdrawn through
/// B, enrolled again through A (whose cached state still has them enrolled), withdrawn through A
/// (B's cache is the stale one now), and so on. Every step must answer OK: a refusal means a
/// server decided from a state the log has moved past. After each step the other server, asked
/// to wait for the step's position, must show the member where the log puts them.
struct Stale: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Enroll and withdraw one member alternately through two servers.")

  @OptionGroup var targets: Targets

  @Option(help: "The open cohort to use.")
  var cohort: Int32 = 1

  @Option(help: "Rounds of the four steps.")
  var rounds = 20

  @Option(help: "Append the request ids sent to this file (for `verify --sent`).")
  var sentOut: String?

  private typealias Service = Cohort_V1_EnrollmentService.Client<HTTP2ClientTransport.Posix>

  func run() async throws {
    let settings = try targets.settings()
    guard settings.count == 2 else { throw ValidationError("give two --data-dir, one per server") }
    let (cohort, rounds) = (cohort, rounds)
    let sent = Locked<[String]>([])
    let failures = try await Connections.with(settings) { clients -> [String] in
      let services = clients.map { Service(wrapping: $0) }
      var failures: [String] = []
      for round in 1...rounds {
        let email = "stale-\(round)-\(UUID().uuidString.prefix(8).lowercased())@faults.example"
        // (server enrolling or withdrawing, whether it enrolls)
        let steps: [(Int, Bool)] = [(0, true), (1, false), (0, true), (0, false), (1, true), (0, false)]
        for (index, (server, enrolls)) in steps.enumerated() {
          let what =
            "round \(round) step \(index + 1): \(enrolls ? "enroll" : "withdraw") through \(server == 0 ? "A" : "B")"
          let requestID = UUID().uuidString.lowercased()
          sent.withLock { $0.append(requestID) }
          do {
            let position = try await Self.retrying {
              if enrolls {
                try await services[server].enroll(
                  .with {
                    $0.requestID = requestID
                    $0.cohortNumber = cohort
                    $0.name = "Stale \(round)"
                    $0.email = email
                  }, options: Self.options
                ).reply.position
              } else {
                try await services[server].withdraw(
                  .with {
                    $0.requestID = requestID
                    $0.cohortNumber = cohort
                    $0.email = email
                    $0.reason = "stale-state sequence"
                  }, options: Self.options
                ).reply.position
              }
            }
            // The other server, waiting for this position, must agree.
            let other = services[1 - server]
            let reply = try await Self.retrying {
              try await other.getCohort(
                .with {
                  $0.cohortNumber = cohort
                  $0.consistency = .with { $0.minPosition = position }
                  $0.pageSize = 5_000
                }, options: Self.options)
            }
            let listed = reply.members.contains { $0.email.lowercased() == email }
            if listed != enrolls {
              failures.append(
                "\(what): OK at position \(position), but the other server's roster \(listed ? "still lists" : "does not list") the member"
              )
            }
          } catch {
            let (code, message) = StatusName.of(error: error)
            failures.append("\(what): \(code) \(message.prefix(160))")
          }
        }
      }
      return failures
    }
    if let sentOut {
      try Data(sent.value.map { $0 + "\n" }.joined().utf8).append(toFile: sentOut)
    }
    for failure in failures.prefix(30) { print("stale: FAIL: \(failure)") }
    let steps = rounds * 6
    print(
      "stale: \(failures.isEmpty ? "PASS" : "FAIL"): \(steps - failures.count) of \(steps) steps answered as the log says, on both servers"
    )
    if !failures.isEmpty { throw ExitCode(1) }
  }

  private static var options: CallOptions {
    var options = CallOptions.defaults
    options.timeout = .seconds(15)
    return options
  }

  /// Retries (same request) while the answer is UNAVAILABLE or ABORTED, for up to 30 s.
  private static func retrying<T>(_ body: () async throws -> T) async throws -> T {
    let deadline = ContinuousClock.now + .seconds(30)
    while true {
      do {
        return try await body()
      } catch let error as RPCError where [.unavailable, .aborted].contains(error.code) {
        guard ContinuousClock.now < deadline else { throw error }
        try await Task.sleep(for: .milliseconds(100))
      }
    }
  }
}

extension Data {
  /// Appends to the file at `path`, creating it if needed.
  func append(toFile path: String) throws {
    if !FileManager.default.fileExists(atPath: path), !FileManager.default.createFile(atPath: path, contents: nil) {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
    }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    try handle.seekToEnd()
    try handle.write(contentsOf: self)
  }
}
