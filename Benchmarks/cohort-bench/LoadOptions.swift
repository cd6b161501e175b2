import ArgumentParser

/// How long and how hard a gRPC workload runs.
struct LoadOptions: ParsableArguments {
  @Option(help: "Concurrent clients, each with its own connection.")
  var clients = 1

  @Option(help: "Seconds to measure, after the warm-up.")
  var seconds = 10.0

  @Option(help: "Seconds of warm-up (connections, caches) that are not measured.")
  var warmup = 1.0

  @Option(name: .customLong("max-requests"), help: "Stop after this many calls, whatever the time.")
  var maximumRequests = 10_000_000

  @Option(
    help: """
      Seconds every measured call may take before the client gives up; 0 sends no deadline. \
      (In grpc-swift-2 a deadline costs each call a task group and a sleeping timer task on both sides.)
      """)
  var deadline = 0.0

  func validate() throws {
    guard (1...1024).contains(clients) else { throw ValidationError("--clients must be 1 to 1024") }
    guard seconds > 0, seconds <= 3600 else { throw ValidationError("--seconds must be above 0 and at most 3600") }
    guard warmup >= 0, warmup <= 600 else { throw ValidationError("--warmup must be 0 to 600") }
    guard maximumRequests > 0 else { throw ValidationError("--max-requests must be positive") }
    guard deadline >= 0, deadline <= 3600 else { throw ValidationError("--deadline must be 0 to 3600") }
  }

  var closedLoop: ClosedLoop {
    ClosedLoop(
      workers: clients, warmup: .milliseconds(Int64(warmup * 1000)), duration: .milliseconds(Int64(seconds * 1000)),
      maximumRequests: maximumRequests,
      callOptions: deadline > 0 ? .deadline(seconds: deadline) : .defaults)
  }
}
