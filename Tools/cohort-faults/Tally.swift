import Foundation
import Synchronization

/// Thread-safe counts of status codes: in total, per key (an RPC or a phase), per second since
/// the start (a timeline), and a few distinct messages per code for the report.
final class Tally: Sendable {
  struct Snapshot: Codable, Sendable {
    var total: [String: Int]
    var byKey: [String: [String: Int]]
    /// Second since start -> code -> count.
    var timeline: [Int: [String: Int]]
    var samples: [String: [String]]
  }

  private let start = ContinuousClock.now
  private let state = Mutex(Snapshot(total: [:], byKey: [:], timeline: [:], samples: [:]))
  private let samplesPerCode: Int

  init(samplesPerCode: Int = 6) {
    self.samplesPerCode = samplesPerCode
  }

  var elapsed: Duration { ContinuousClock.now - start }

  func record(_ code: String, key: String = "", message: String = "") {
    let second = Int(elapsed.components.seconds)
    state.withLock { state in
      state.total[code, default: 0] += 1
      if !key.isEmpty { state.byKey[key, default: [:]][code, default: 0] += 1 }
      state.timeline[second, default: [:]][code, default: 0] += 1
      if code != StatusName.ok, !message.isEmpty {
        let text = String(message.prefix(160))
        var list = state.samples[code, default: []]
        if list.count < samplesPerCode, !list.contains(text) {
          list.append(text)
          state.samples[code] = list
        }
      }
    }
  }

  var snapshot: Snapshot { state.withLock { $0 } }
}

extension Dictionary where Key == String, Value == Int {
  /// `OK=120 UNAVAILABLE=7`, largest first.
  var rendered: String {
    sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
      .map { "\($0.key)=\($0.value)" }.joined(separator: " ")
  }
}
