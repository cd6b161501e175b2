import Foundation

/// One member on a cohort's roster or waitlist.
public struct RosterEntry: Equatable, Sendable {
  /// The member.
  public let memberID: UUID
  /// The member's name.
  public let name: String
  /// The member's email address.
  public let email: String
  /// When the member got the seat (on the roster) or joined the waitlist (on the waitlist).
  public let since: Date

  /// Creates an entry.
  public init(memberID: UUID, name: String, email: String, since: Date) {
    self.memberID = memberID
    self.name = name
    self.email = email
    self.since = since
  }
}
