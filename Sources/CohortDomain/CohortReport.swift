import Foundation

/// A cohort in numbers: seats, payments, revenue, refunds due, paid but not seated, alumni. Pure:
/// the cohort, its payments and who completed earlier cohorts give the report.
public struct CohortReport: Equatable, Sendable {
  public struct Due: Equatable, Sendable {
    public var memberID: UUID
    public var amount: Money
    /// "withdrew" or "cancelled".
    public var why: String
  }

  public struct TransferIn: Equatable, Sendable {
    public var memberID: UUID
    public var transfer: Transfer
  }

  public struct Unseated: Equatable, Sendable {
    public var personID: UUID
    public var amount: Money
    public var waitlisted: Bool
  }

  public var seatsTaken: Int
  public var capacity: Int
  public var waitlist: Int
  /// Seated members whose payments for the cohort (less refunds) are more than nothing.
  public var paying: Int
  public var scholarships: Int
  public var freeSeats: Int
  /// Validated payments for the cohort less refunds, per currency.
  public var revenue: [Currency: Int64]
  /// Refunded ÷ validated, in basis points; `nil` without validated payments.
  public var refundRateBasisPoints: Int?
  public var refundsDue: [Due]
  public var paidNotSeated: [Unseated]
  /// Seated members who completed an earlier cohort.
  public var alumni: Int
  /// Members (seated or waiting) who came from an earlier cohort, with the difference in price.
  public var transfersIn: [TransferIn]

  /// - Parameters:
  ///   - payments: every payment for this cohort.
  ///   - alumni: people who completed an earlier cohort of the community.
  public init(_ cohort: CohortView, payments: [PaymentRecord], alumni: Set<UUID>) {
    seatsTaken = cohort.enrolled.count
    capacity = cohort.capacity
    waitlist = cohort.waitlist.count
    var paidBy: [UUID: Int64] = [:]
    var revenue: [Currency: Int64] = [:]
    var validated: Int64 = 0
    var refunded: Int64 = 0
    for payment in payments {
      guard let net = payment.net, let amount = payment.amount else { continue }
      revenue[net.currency, default: 0] += net.amountMinor
      validated += amount.amountMinor
      refunded += payment.refunded
      if let person = payment.personID, net.currency == cohort.price.currency {
        paidBy[person, default: 0] += net.amountMinor
      }
    }
    self.revenue = revenue
    refundRateBasisPoints = validated == 0 ? nil : Int(refunded * 10_000 / validated)
    let seated = Set(cohort.enrolled.map(\.memberID))
    // A paid seat carried over from an earlier cohort is paid for there.
    paying = cohort.enrolled.count { (paidBy[$0.memberID] ?? 0) > 0 || ($0.transfer != nil && $0.seat == .paid) }
    transfersIn = (cohort.enrolled + cohort.waitlist).compactMap { entry in
      entry.transfer.map { TransferIn(memberID: entry.memberID, transfer: $0) }
    }
    scholarships = cohort.enrolled.count { if case .scholarship = $0.seat { true } else { false } }
    freeSeats = cohort.enrolled.count { if case .free = $0.seat { true } else { false } }
    func money(_ minor: Int64) -> Money { Money.unchecked(minor, cohort.price.currency) }
    var due: [Due] = []
    var settled: Set<UUID> = []
    for withdrawal in cohort.withdrawals where withdrawal.refundDue {
      let id = withdrawal.entry.memberID
      if let owed = paidBy[id], owed > 0, !seated.contains(id), settled.insert(id).inserted {
        due.append(Due(memberID: id, amount: money(owed), why: "withdrew"))
      }
    }
    for entry in cohort.cancelledMembers {
      if let owed = paidBy[entry.memberID], owed > 0, settled.insert(entry.memberID).inserted {
        due.append(Due(memberID: entry.memberID, amount: money(owed), why: "cancelled"))
      }
    }
    refundsDue = due
    let waiting = Set(cohort.waitlist.map(\.memberID))
    let withdrawn = Set(cohort.withdrawals.map(\.entry.memberID))
    paidNotSeated =
      cohort.status == .cancelled
      ? []
      : paidBy.filter { $0.value > 0 && !seated.contains($0.key) && !withdrawn.contains($0.key) }
        .sorted { $0.key.uuidString < $1.key.uuidString }
        .map { Unseated(personID: $0.key, amount: money($0.value), waitlisted: waiting.contains($0.key)) }
    self.alumni = cohort.enrolled.count { alumni.contains($0.memberID) }
  }
}
