import Foundation

/// An event proposed for appending: an id chosen by the writer, a type name with its schema
/// version, and the encoded payload and metadata (protobuf bytes in Cohort).
///
/// The id makes appends idempotent: writing an event whose id is already in the log returns
/// the first result instead of writing it twice.
public struct EventData: Hashable, Sendable {
  public var id: UUID
  public var type: String
  public var schemaVersion: Int32
  public var data: Data
  public var metadata: Data

  public init(id: UUID, type: String, schemaVersion: Int32 = 1, data: Data, metadata: Data = Data()) {
    self.id = id
    self.type = type
    self.schemaVersion = schemaVersion
    self.data = data
    self.metadata = metadata
  }
}
