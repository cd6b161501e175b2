/// Throughput and latency percentiles of the calls that completed in a measuring window.
struct LatencySummary: Sendable {
  var count: Int
  var seconds: Double
  var rate: Double
  var p50: Int
  var p90: Int
  var p99: Int
  var max: Int
  var mean: Double
  /// Every call sent, warm-up included (for CPU per call).
  var sent = 0
  /// The load generator's own CPU time over the same calls.
  var clientCPU: Duration = .zero

  /// - Parameters:
  ///   - sorted: latencies in microseconds, ascending.
  ///   - window: how long the measuring lasted.
  init(sorted: [UInt32], window: Duration) {
    let (whole, fraction) = window.components
    seconds = Double(whole) + Double(fraction) / 1e18
    count = sorted.count
    rate = seconds > 0 ? Double(count) / seconds : 0
    func percentile(_ p: Int) -> Int {
      guard !sorted.isEmpty else { return 0 }
      // Nearest rank: the smallest latency with at least p% of the calls at or below it.
      let rank = (sorted.count * p + 99) / 100
      return Int(sorted[Swift.max(rank - 1, 0)])
    }
    p50 = percentile(50)
    p90 = percentile(90)
    p99 = percentile(99)
    max = Int(sorted.last ?? 0)
    mean = sorted.isEmpty ? 0 : Double(sorted.reduce(0) { $0 + Int($1) }) / Double(sorted.count)
  }
}
