import Foundation

/// What `load` writes for `verify`: every request it sent and how it ended, plus the codes seen.
struct LoadReport: Codable, Sendable {
  struct Request: Codable, Sendable {
    enum Kind: String, Codable, Sendable { case enroll, withdraw }
    enum Ending: String, Codable, Sendable {
      /// The server answered OK: the command must be in the log exactly once.
      case acknowledged
      /// The server refused it with a final status (for example ALREADY_EXISTS).
      case rejected
      /// Never acknowledged before the deadline: in the log at most once.
      case gaveUp = "gave-up"
    }

    var kind: Kind
    var requestID: String
    var cohort: Int32
    var email: String
    /// From the reply (enroll) or the member withdrawn.
    var memberID: String?
    var ending: Ending
    /// The final status (OK, or the last error seen).
    var status: String
    var position: Int64?
    /// enrolled / waitlisted for an enrollment; the promoted member's id for a withdrawal.
    var outcome: String?
    var attempts: Int
  }

  var label: String
  var clients: Int
  var seconds: Double
  var requests: [Request]
  var codes: Tally.Snapshot

  var acknowledged: Int { requests.filter { $0.ending == .acknowledged }.count }
  var maxPosition: Int64 { requests.compactMap(\.position).max() ?? 0 }
}
