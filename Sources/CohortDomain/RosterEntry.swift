import Foundation

/// One member on a cohort's roster or waitlist.
public struct RosterEntry: Equatable, Sendable {
  /// The member (a person's id).
  public let memberID: UUID
  /// The member's name and e-mail; `nil` once they were forgotten.
  public let contact: Contact?
  /// When the member got the seat (on the roster) or joined the waitlist (on the waitlist).
  public let since: Date

  /// Creates an entry.
  public init(memberID: UUID, contact: Contact?, since: Date) {
    self.memberID = memberID
    self.contact = contact
    self.since = since
  }

  /// Creates the entry of a member who has not been forgotten.
  public init(memberID: UUID, name: String, email: String, since: Date) {
    self.init(memberID: memberID, contact: Contact(name: name, email: email), since: since)
  }
}
