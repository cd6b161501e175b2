import Foundation

/// One member on a cohort's roster or waitlist.
public struct RosterEntry: Codable, Equatable, Sendable {
  /// The member (a person's id).
  public let memberID: UUID
  /// The member's name and e-mail; `nil` once they were forgotten.
  public let contact: Contact?
  /// When the member got the seat (on the roster) or joined the waitlist (on the waitlist).
  public let since: Date
  /// How they hold it; `nil` for entries from before seats were checked against payments.
  public let seat: Seat?
  /// Set when they came from an earlier cohort.
  public let transfer: Transfer?

  /// Creates an entry.
  public init(memberID: UUID, contact: Contact?, since: Date, seat: Seat? = nil, transfer: Transfer? = nil) {
    self.memberID = memberID
    self.contact = contact
    self.since = since
    self.seat = seat
    self.transfer = transfer
  }

  /// The same entry with another contact (`nil`: the member was forgotten).
  func with(contact: Contact?) -> RosterEntry {
    RosterEntry(memberID: memberID, contact: contact, since: since, seat: seat, transfer: transfer)
  }

  /// Creates the entry of a member who has not been forgotten.
  public init(memberID: UUID, name: String, email: String, since: Date) {
    self.init(memberID: memberID, contact: Contact(name: name, email: email), since: since)
  }
}
