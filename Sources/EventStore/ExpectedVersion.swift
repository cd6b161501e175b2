/// What an append expects the stream's version to be before it writes.
///
/// A stream's version is the number of events in it: a new stream is at 0 and its first
/// event has version 1.
public enum ExpectedVersion: Hashable, Sendable, CustomStringConvertible {
  /// Append whatever the stream holds.
  case any
  /// The stream must not exist yet (the same as `.exact(0)`).
  case noStream
  /// The stream must be at exactly this version.
  case exact(Int64)

  /// Whether a stream currently at `version` satisfies this expectation.
  public func accepts(currentVersion version: Int64) -> Bool {
    switch self {
    case .any: true
    case .noStream: version == 0
    case .exact(let expected): version == expected
    }
  }

  public var description: String {
    switch self {
    case .any: "any"
    case .noStream: "no stream"
    case .exact(let version): "version \(version)"
    }
  }
}
