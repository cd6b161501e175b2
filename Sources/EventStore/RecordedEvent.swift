import Foundation

/// An event as the log holds it: the proposed event plus where it landed.
public struct RecordedEvent: Hashable, Sendable {
  public var id: UUID
  public var stream: StreamName
  /// The event's version within its stream (1 for the first event).
  public var version: Int64
  /// The event's place in the whole log; strictly increasing in commit order.
  public var position: Int64
  public var type: String
  public var schemaVersion: Int32
  public var data: Data
  public var metadata: Data
  public var recordedAt: Date

  public init(
    id: UUID, stream: StreamName, version: Int64, position: Int64, type: String, schemaVersion: Int32,
    data: Data, metadata: Data, recordedAt: Date
  ) {
    self.id = id
    self.stream = stream
    self.version = version
    self.position = position
    self.type = type
    self.schemaVersion = schemaVersion
    self.data = data
    self.metadata = metadata
    self.recordedAt = recordedAt
  }

  /// Whether this stored event is the same event as a proposed one (the idempotency test).
  public func matches(_ proposed: EventData) -> Bool {
    id == proposed.id && type == proposed.type && schemaVersion == proposed.schemaVersion
      && data == proposed.data && metadata == proposed.metadata
  }
}
