import Foundation

/// How a member is reached: personal data, sealed with the member's key in the log, so it is
/// `nil` in events of a member who was forgotten.
public struct Contact: Codable, Equatable, Sendable {
  /// The normalised name.
  public let name: String
  /// The normalised e-mail address.
  public let email: String

  /// Creates a contact.
  public init(name: String, email: String) {
    self.name = name
    self.email = email
  }
}

/// A member took a seat.
public struct MemberEnrolled: Equatable, Sendable {
  /// Who enrolled: a person's id.
  public let memberID: UUID
  /// Their name and e-mail when they enrolled; `nil` once they were forgotten.
  public let contact: Contact?
  /// How they hold the seat; `nil` in events written before seats were checked against payments.
  public let seat: Seat?
  /// Set when they came from an earlier cohort.
  public let transfer: Transfer?
  /// When the member enrolled.
  public let at: Date

  /// Creates the event.
  public init(memberID: UUID, contact: Contact?, seat: Seat? = nil, transfer: Transfer? = nil, at: Date) {
    self.memberID = memberID
    self.contact = contact
    self.seat = seat
    self.transfer = transfer
    self.at = at
  }

  /// Creates the event of a member who has not been forgotten.
  public init(memberID: UUID, name: String, email: String, seat: Seat? = nil, at: Date) {
    self.init(memberID: memberID, contact: Contact(name: name, email: email), seat: seat, at: at)
  }
}
