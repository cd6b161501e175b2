import Foundation

/// A member gave up a seat or a place on the waitlist.
public struct MemberWithdrew: Equatable, Sendable {
  /// Who withdrew.
  public let memberID: UUID
  /// Why, in the member's words (trimmed; may be empty).
  public let reason: String
  /// `true` if the member left the waitlist, `false` if they gave up a seat.
  public let wasWaitlisted: Bool
  /// A refund is due to them.
  public let refundDue: Bool
  /// Left for this later cohort.
  public let transferredTo: Int?
  /// When the member withdrew.
  public let at: Date

  /// Creates the event.
  public init(
    memberID: UUID, reason: String, wasWaitlisted: Bool, refundDue: Bool = false, transferredTo: Int? = nil,
    at: Date
  ) {
    self.memberID = memberID
    self.reason = reason
    self.wasWaitlisted = wasWaitlisted
    self.refundDue = refundDue
    self.transferredTo = transferredTo
    self.at = at
  }
}
