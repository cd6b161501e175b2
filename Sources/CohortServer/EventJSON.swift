import CohortAPI
import EventStore
import Foundation
import SwiftProtobuf

/// An event's payload as protobuf JSON text for people to read (``EventTail``), with its personal
/// data shown as the caller's role allows and never as ciphertext.
///
/// A sealed value (``KeyRing``) is replaced by what it holds when the caller may read people
/// (`"personal": {"name": ...}`), by `{"erased": true}` once its key is gone (the person was
/// forgotten), and by `"hidden"` for other roles; a contact stored in clear (version 1 of
/// MemberEnrolled and MemberWaitlisted) is `"hidden"` for them too. The replacement is spliced into
/// the JSON where the field is, so the rest reads exactly as `jsonString()` prints it.
struct EventJSON {
  enum Personal: Sendable {
    /// Opened, for a role that may read anyone's personal data.
    case shown
    case hidden
  }

  static let erased = #"{"erased":true}"#
  static let hidden = #""hidden""#

  let keys: KeyRing
  let personal: Personal
  /// A field's placeholder JSON and what replaces it.
  private var replacements: [(placeholder: String, json: String)] = []

  init(keys: KeyRing, personal: Personal) {
    self.keys = keys
    self.personal = personal
  }

  /// The payload of `event`, stored as `message`; the keys of the people it names must be loaded.
  static func render(
    _ event: RecordedEvent, as message: any SwiftProtobuf.Message.Type, keys: KeyRing, personal: Personal
  ) throws -> String {
    var json = EventJSON(keys: keys, personal: personal)
    return try json.render(try message.init(serializedBytes: event.data))
  }

  private mutating func render(_ message: any SwiftProtobuf.Message) throws -> String {
    let text: String
    switch message {
    case var m as Cohort_V1_Events_PersonRegistered:
      if m.hasPersonal { try replace(&m.personal, holding: Cohort_V1_Events_PersonalData.self, of: m.personID) }
      text = try splice(m)
    case var m as Cohort_V1_Events_MemberEnrolled:
      if m.hasPersonal { try replace(&m.personal, holding: Cohort_V1_Events_Contact.self, of: m.memberID) }
      if m.hasContact { try hide(&m.contact) }
      text = try splice(m)
    case var m as Cohort_V1_Events_MemberWaitlisted:
      if m.hasPersonal { try replace(&m.personal, holding: Cohort_V1_Events_Contact.self, of: m.memberID) }
      if m.hasContact { try hide(&m.contact) }
      text = try splice(m)
    case var m as Cohort_V1_Events_PaymentValidated:
      if case .bankTransfer(var transfer) = m.method, transfer.hasReference {
        try replace(&transfer.reference, holding: Cohort_V1_Events_TransferReference.self, of: m.personID)
        m.bankTransfer = transfer
      }
      text = try splice(m)
    case var m as Cohort_V1_Events_TokenIssued:
      // Not personal, but the hash of a secret: nobody reading the log needs it.
      m.tokenSha256 = Data()
      text = try splice(m)
    default:
      text = try message.jsonString()
    }
    // Fail closed: a sealed field this code does not know yet (a new event, a new version) would
    // print its ciphertext as {"box": ...}.
    guard !text.contains(#""box":"#) else {
      throw EventStoreError(.storage, "\(type(of: message).protoMessageName) has a sealed field the tail cannot show")
    }
    return text
  }

  /// Marks `sealed` for replacement by what it holds for `subject` (or erased, or hidden).
  private mutating func replace<Content: SwiftProtobuf.Message>(
    _ sealed: inout Cohort_V1_Events_Sealed, holding _: Content.Type, of subject: String
  ) throws {
    let json: String
    switch personal {
    case .hidden:
      json = Self.hidden
    case .shown:
      guard let subjectID = UUID(uuidString: subject) else {
        throw EventStoreError(.corrupted, "a sealed value of a malformed person id")
      }
      json = try keys.open(sealed, as: Content.self, for: subjectID)?.jsonString() ?? Self.erased
    }
    sealed = Cohort_V1_Events_Sealed.with { $0.box = Data(UUID().uuidString.utf8) }
    replacements.append((try sealed.jsonString(), json))
  }

  /// Marks a contact stored in clear for hiding, unless the caller may see it.
  private mutating func hide(_ contact: inout Cohort_V1_Events_Contact) throws {
    guard personal == .hidden else { return }
    contact = Cohort_V1_Events_Contact.with { $0.name = UUID().uuidString }
    replacements.append((try contact.jsonString(), Self.hidden))
  }

  /// `message` as JSON, each placeholder replaced.
  private func splice(_ message: some SwiftProtobuf.Message) throws -> String {
    var text = try message.jsonString()
    for (placeholder, json) in replacements {
      text = text.replacingOccurrences(of: placeholder, with: json)
    }
    return text
  }
}
