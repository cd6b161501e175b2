import Foundation

/// A member took a seat.
public struct MemberEnrolled: Equatable, Sendable {
  /// Who enrolled.
  public let memberID: UUID
  /// The trimmed name.
  public let name: String
  /// The trimmed, lowercased email address.
  public let email: String
  /// When the member enrolled.
  public let at: Date

  /// Creates the event.
  public init(memberID: UUID, name: String, email: String, at: Date) {
    self.memberID = memberID
    self.name = name
    self.email = email
    self.at = at
  }
}
