import Foundation

/// A member asked for a seat while the cohort was full and joined the end of the waitlist.
public struct MemberWaitlisted: Equatable, Sendable {
  /// Who is waiting: a person's id.
  public let memberID: UUID
  /// Their name and e-mail when they joined; `nil` once they were forgotten.
  public let contact: Contact?
  /// How they hold the seat; `nil` in events written before seats were checked against payments.
  public let seat: Seat?
  /// Set when they came from an earlier cohort.
  public let transfer: Transfer?
  /// When the member joined the waitlist.
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
