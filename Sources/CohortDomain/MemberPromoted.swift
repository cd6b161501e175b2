import Foundation

/// The first member on the waitlist took a seat that was freed.
public struct MemberPromoted: Equatable, Sendable {
  /// Who moved from the waitlist to a seat.
  public let memberID: UUID
  /// When the member got the seat.
  public let at: Date

  /// Creates the event.
  public init(memberID: UUID, at: Date) {
    self.memberID = memberID
    self.at = at
  }
}
