import CohortAPI
import SwiftProtobuf

/// Every event type the log holds, by its stored (full) name, with its protobuf message: what the
/// areas' codecs register, so that an event type is known here as soon as its codec reads it.
/// Readers that show events without folding them (``EventTail``) decode by it.
struct EventCatalog: Sendable {
  /// The message stored under each type name.
  let messages: [String: any SwiftProtobuf.Message.Type]
  /// Short names ("MemberEnrolled") to full ones ("cohort.v1.events.MemberEnrolled").
  private let fullNames: [String: String]
  /// Every type with the schema versions this build reads, one per line: what a read model
  /// folded by this build was folded with (a snapshot of another build's is not loaded).
  let schemas: String

  init(codecs: Codecs) {
    // Every area's codec; a new area's belongs here (a test compares this with events.proto).
    let rows =
      Self.rows(codecs.enrollment) + Self.rows(codecs.people) + Self.rows(codecs.payments)
      + Self.rows(AccessEventCodec.codec) + Self.rows(GroupsEventCodec.codec) + Self.rows(OutreachEventCodec.codec)
    messages = Dictionary(rows.map { ($0.type, $0.message) }) { first, _ in first }
    schemas = rows.map { "\($0.type) \($0.versions)" }.sorted().joined(separator: "\n")
    fullNames = Dictionary(messages.keys.map { (Self.shortName($0), $0) }) { first, _ in first }
  }

  private static func rows<Event>(
    _ codec: EventCodec<Event>
  ) -> [(type: String, message: any SwiftProtobuf.Message.Type, versions: [Int32])] {
    codec.rows.values.map { ($0.type, $0.message, $0.readers.keys.sorted()) }
  }

  /// "MemberEnrolled" for "cohort.v1.events.MemberEnrolled".
  static func shortName(_ type: String) -> String {
    String(type.split(separator: ".").last ?? Substring(type))
  }

  /// The stored name of the type called `name` (short or full), if there is one.
  func type(named name: String) -> String? {
    messages[name] != nil ? name : fullNames[name]
  }

  /// Every type's short name, sorted: for an error that lists what may be asked for.
  var shortNames: [String] { fullNames.keys.sorted() }
}
