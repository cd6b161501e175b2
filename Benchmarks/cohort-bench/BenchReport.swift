import Foundation

/// What one run of a subcommand measured: printed as one JSON line, the last of standard output.
struct BenchReport: Encodable {
  var workload: String
  var rpc: String?
  var clients: Int?
  var connections: Int?
  var seconds: Double
  var count: Int
  /// Calls (or events) per second.
  var rate: Double
  var p50Us: Int?
  var p90Us: Int?
  var p99Us: Int?
  var maxUs: Int?
  var meanUs: Double?
  var details: [String: Double] = [:]

  init(workload: String, rpc: String? = nil, clients: Int? = nil, summary: LatencySummary) {
    self.workload = workload
    self.rpc = rpc
    self.clients = clients
    self.connections = clients
    seconds = summary.seconds
    count = summary.count
    rate = summary.rate
    p50Us = summary.p50
    p90Us = summary.p90
    p99Us = summary.p99
    maxUs = summary.max
    meanUs = summary.mean
    details["calls_sent"] = Double(summary.sent)
    if summary.sent > 0 {
      let (seconds, attoseconds) = summary.clientCPU.components
      let microseconds = Double(seconds) * 1e6 + Double(attoseconds) / 1e12
      details["client_cpu_us_per_call"] = (microseconds / Double(summary.sent)).rounded()
    }
  }

  init(workload: String, seconds: Double, count: Int) {
    self.workload = workload
    self.seconds = seconds
    self.count = count
    rate = seconds > 0 ? Double(count) / seconds : 0
  }

  /// Prints the human summary on standard error and the JSON line on standard output.
  func emit() throws {
    var line = "cohort-bench: \(workload)"
    if let rpc { line += " \(rpc)" }
    if let clients { line += " clients=\(clients)" }
    line += String(format: " count=%d rate=%.1f/s", count, rate)
    if let p50Us, let p99Us { line += " p50=\(p50Us)µs p99=\(p99Us)µs" }
    FileHandle.standardError.write(Data((line + "\n").utf8))
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(self), as: UTF8.self))
  }
}

/// Progress on standard error (standard output carries only the report).
func progress(_ message: String) {
  FileHandle.standardError.write(Data(("cohort-bench: " + message + "\n").utf8))
}
