import Foundation

/// A member asked for a seat while the cohort was full and joined the end of the waitlist.
public struct MemberWaitlisted: Equatable, Sendable {
  /// Who joined the waitlist.
  public let memberID: UUID
  /// The trimmed name.
  public let name: String
  /// The trimmed, lowercased email address.
  public let email: String
  /// When the member joined the waitlist.
  public let at: Date

  /// Creates the event.
  public init(memberID: UUID, name: String, email: String, at: Date) {
    self.memberID = memberID
    self.name = name
    self.email = email
    self.at = at
  }
}
