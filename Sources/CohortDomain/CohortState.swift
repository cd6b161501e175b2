import Foundation

/// What `Enrollment.decide` needs to know about one cohort, folded from its events.
public struct CohortState: Equatable, Sendable {
  /// Where the cohort is in its life.
  public internal(set) var status: CohortStatus
  /// The cohort; `nil` until it is scheduled.
  public internal(set) var cohortID: UUID?
  /// The cohort number used in messages ("cohort 9"); 0 until scheduled.
  public internal(set) var number: Int
  /// The number of seats; 0 until scheduled.
  public internal(set) var capacity: Int
  /// Members holding a seat, in the order they got it.
  public internal(set) var enrolled: [UUID]
  /// Members waiting for a seat, first come first served.
  public internal(set) var waitlist: [UUID]
  /// The price of a seat; `nil` until scheduled.
  public internal(set) var price: Money? = nil
  /// What comes off the price for a person with a discount.
  public internal(set) var discounts: [UUID: Money] = [:]

  /// The most people who may wait for a seat: as many as the cohort has seats, and never fewer
  /// than 50. Beyond it a cohort is full, waitlist and all, so that the list (and the stream a
  /// caller can grow with one Enroll after another) has a bound.
  public var waitlistLimit: Int { Swift.max(capacity, Self.minimumWaitlistLimit) }
  public static let minimumWaitlistLimit = 50

  /// The state of a cohort whose stream is empty.
  public static let initial = CohortState(
    status: .notScheduled, cohortID: nil, number: 0, capacity: 0, enrolled: [], waitlist: [])
}
