/// The checks every store makes before it writes, shared so that all stores agree.
public enum AppendRules {
  /// The most events one append may carry.
  public static let maximumEvents = 10_000
  /// The largest payload or metadata of one event, in bytes.
  public static let maximumEventBytes = 1 << 20

  /// Refuses an append that no store should write: no events, a repeated id, an empty type,
  /// or an oversized event.
  public static func validate(_ events: [EventData], to stream: StreamName) throws(EventStoreError) {
    guard !events.isEmpty else {
      throw EventStoreError(.invalidAppend, "an append needs at least one event", stream: stream)
    }
    guard events.count <= maximumEvents else {
      throw EventStoreError(.invalidAppend, "an append holds at most \(maximumEvents) events", stream: stream)
    }
    guard Set(events.map(\.id)).count == events.count else {
      throw EventStoreError(.invalidAppend, "the same event id appears twice in one append", stream: stream)
    }
    for event in events {
      guard !event.type.isEmpty, event.type.utf8.count <= 200, event.type.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
      else {
        throw EventStoreError(.invalidAppend, "event type must be 1 to 200 printable ASCII characters", stream: stream)
      }
      guard event.data.count <= maximumEventBytes, event.metadata.count <= maximumEventBytes else {
        throw EventStoreError(.invalidAppend, "an event is larger than \(maximumEventBytes) bytes", stream: stream)
      }
    }
  }

  /// Decides what to do when some of the proposed ids are already stored.
  ///
  /// - Parameter stored: the stored events whose ids are among the proposed ones, in any order.
  /// - Returns: `nil` when none is stored (write them); the original result when all of them are
  ///   stored exactly as proposed, in the same stream and order (a retry: write nothing).
  /// - Throws: `duplicateEventID` for anything in between.
  public static func retryResult(
    of proposed: [EventData], to stream: StreamName, stored: [RecordedEvent]
  ) throws(EventStoreError) -> AppendResult? {
    if stored.isEmpty { return nil }
    let byID = Dictionary(stored.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    var previous: RecordedEvent?
    for event in proposed {
      guard let original = byID[event.id], original.stream == stream, original.matches(event),
        previous.map({ original.version == $0.version + 1 }) ?? true
      else {
        throw EventStoreError(
          .duplicateEventID,
          "event \(event.id.uuidString.lowercased()) is already stored with a different stream, type or body",
          stream: stream)
      }
      previous = original
    }
    return previous.map { AppendResult(nextExpectedVersion: $0.version, position: $0.position) }
  }
}
