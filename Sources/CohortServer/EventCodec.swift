import EventStore
import Foundation
import SwiftProtobuf

/// How one area's events are stored: a row per event type (its protobuf message and a reader per
/// schema version ever written), and the encoder. The set of types, the version check and the
/// schema-history tests all come from the rows, so an event is stored and read in one way only.
///
/// Every schema version ever written must stay readable: when a message changes shape, add a
/// reader for the new version (it becomes the current one) and keep the old reader, which
/// upcasts what it reads to today's event.
struct EventCodec<Event: Sendable>: Sendable {
  struct Row: Sendable {
    var type: String
    /// The message stored under `type`, for readers that show events without folding them (the
    /// event tail).
    var message: any SwiftProtobuf.Message.Type
    /// The version the encoder writes: the newest reader's.
    var currentVersion: Int32
    var readers: [Int32: @Sendable (RecordedEvent) throws -> Event]
  }

  let rows: [String: Row]
  private let write: @Sendable (Event) throws -> any SwiftProtobuf.Message

  init(_ rows: [Row], encode: @escaping @Sendable (Event) throws -> any SwiftProtobuf.Message) {
    self.rows = Dictionary(uniqueKeysWithValues: rows.map { ($0.type, $0) })
    self.write = encode
  }

  var types: Set<String> { Set(rows.keys) }

  /// The event stored in `recorded`, or `nil` when it is another area's.
  func decode(_ recorded: RecordedEvent) throws(EventStoreError) -> Event? {
    guard let row = rows[recorded.type] else { return nil }
    guard let read = row.readers[recorded.schemaVersion] else {
      throw EventStoreError(
        .corrupted,
        "event \(recorded.position) has unknown schema version \(recorded.schemaVersion) of \(recorded.type)")
    }
    do {
      return try read(recorded)
    } catch let error as EventStoreError {
      throw error
    } catch {
      throw EventStoreError(.corrupted, "event \(recorded.position) (\(recorded.type)) does not decode: \(error)")
    }
  }

  func encode(_ event: Event) throws -> (type: String, schemaVersion: Int32, data: Data) {
    let message = try write(event)
    let type = Swift.type(of: message).protoMessageName
    guard let row = rows[type] else {
      throw EventStoreError(.storage, "\(type) has no row in its area's event codec")
    }
    return (type, row.currentVersion, try message.serializedBytes())
  }
}

extension EventCodec.Row {
  /// An event stored as message `M` since schema version 1, read by `read`.
  static func message<M: SwiftProtobuf.Message>(
    _: M.Type, read: @escaping @Sendable (M, RecordedEvent) throws -> Event
  ) -> Self {
    message(M.self, versions: [1: read])
  }

  /// An event stored as message `M` in several schema versions, each read by its reader; the
  /// newest is the one written.
  static func message<M: SwiftProtobuf.Message>(
    _: M.Type, versions: [Int32: @Sendable (M, RecordedEvent) throws -> Event]
  ) -> Self {
    Self(
      type: M.protoMessageName, message: M.self, currentVersion: versions.keys.max() ?? 1,
      readers: versions.mapValues { read in { recorded in try read(M(serializedBytes: recorded.data), recorded) } })
  }
}
