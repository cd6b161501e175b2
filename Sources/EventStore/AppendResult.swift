/// Where an append landed: the stream's version after it and the log position of its last event.
public struct AppendResult: Hashable, Sendable {
  public var nextExpectedVersion: Int64
  public var position: Int64

  public init(nextExpectedVersion: Int64, position: Int64) {
    self.nextExpectedVersion = nextExpectedVersion
    self.position = position
  }
}
