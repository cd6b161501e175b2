import CohortAPI
import CohortDomain
import Foundation
import SwiftProtobuf

/// How replies look on a terminal.
enum Rendering {
  static func json(_ message: some SwiftProtobuf.Message) throws -> String {
    // Field names as grpcurl prints them (the protobuf JSON mapping's lowerCamelCase).
    try message.jsonString()
  }

  static func money(_ money: Cohort_V1_Money) -> String {
    guard let currency = try? Currency(money.currency),
      let value = try? Money(amountMinor: money.amountMinor, currency: currency)
    else { return "\(money.amountMinor) \(money.currency)" }
    return value.formatted
  }

  static func date(_ date: Cohort_V1_CalendarDate) -> String {
    String(format: "%04d-%02d-%02d", date.year, date.month, date.day)
  }

  static func status(_ status: Cohort_V1_CohortStatus) -> String {
    switch status {
    case .scheduled: "scheduled"
    case .open: "open"
    case .closed: "closed"
    case .started: "started"
    case .completed: "completed"
    case .cancelled: "cancelled"
    default: "unknown"
    }
  }

  static func cohorts(_ cohorts: [Cohort_V1_Cohort]) -> String {
    guard !cohorts.isEmpty else { return "No cohorts yet. Schedule one with `cohort cohorts schedule`." }
    var table = Table("NUMBER", "TITLE", "STATUS", "SEATS", "WAITLIST", "PRICE", "REVENUE", "STARTS", "ENDS")
    for cohort in cohorts {
      table.add(
        "\(cohort.number)", cohort.title, status(cohort.status), "\(cohort.seatsTaken)/\(cohort.capacity)",
        "\(cohort.waitlistLength)", money(cohort.price),
        cohort.revenue.isEmpty ? "—" : cohort.revenue.map(money).joined(separator: ", "), date(cohort.startsOn),
        date(cohort.endsOn))
    }
    return table.rendered
  }

  static func cohort(_ reply: Cohort_V1_GetCohortReply) -> String {
    let cohort = reply.cohort
    var lines = [
      "Cohort \(cohort.number): \(cohort.title)",
      "Status:   \(status(cohort.status))",
      "Price:    \(money(cohort.price))",
      "Dates:    \(date(cohort.startsOn)) to \(date(cohort.endsOn))",
      "Seats:    \(cohort.seatsTaken) of \(cohort.capacity) taken, \(cohort.waitlistLength) waiting",
      "",
    ]
    lines.append(roster("Members", reply.members))
    if !reply.waitlist.isEmpty {
      lines.append("")
      lines.append(roster("Waitlist", reply.waitlist))
    }
    return lines.joined(separator: "\n")
  }

  private static func roster(_ title: String, _ entries: [Cohort_V1_RosterEntry]) -> String {
    guard !entries.isEmpty else { return "\(title): none" }
    var table = Table("#", "NAME", "EMAIL", "SEAT", "SINCE", "MEMBER ID")
    for (index, entry) in entries.enumerated() {
      table.add(
        "\(index + 1)", entry.erased ? "(erased)" : entry.name, entry.email,
        seat(entry) + (entry.alumni ? ", alumni" : ""),
        timestamp(entry.since), entry.memberID)
    }
    return "\(title):\n" + table.rendered
  }

  private static func seat(_ entry: Cohort_V1_RosterEntry) -> String {
    switch entry.seat {
    case .paid: "paid"
    case .scholarship: "scholarship: \(entry.seatReason)"
    case .free: "free: \(entry.seatReason)"
    default: "—"
    }
  }

  static func report(_ reply: Cohort_V1_CohortReport) -> String {
    let cohort = reply.cohort
    var lines = [
      "Cohort \(cohort.number): \(cohort.title) (\(status(cohort.status)))",
      "Seats:        \(reply.seatsTaken) of \(reply.capacity) taken, \(reply.waitlist) waiting",
      "Paying:       \(reply.paying); scholarships \(reply.scholarships); free seats \(reply.freeSeats)",
      "Revenue:      " + (reply.revenue.isEmpty ? "none" : reply.revenue.map(money).joined(separator: ", "))
        + " (net of refunds)",
      "Refund rate:  "
        + (reply.hasRefundRateBasisPoints
          ? String(format: "%.1f%%", Double(reply.refundRateBasisPoints) / 100) : "no validated payments"),
      "Alumni:       \(reply.alumni) of \(reply.seatsTaken) seated",
    ]
    if !reply.refundsDue.isEmpty {
      var table = Table("REFUND DUE", "NAME", "WHY", "MEMBER ID")
      for due in reply.refundsDue {
        table.add(money(due.amount), due.name.isEmpty ? "(erased)" : due.name, due.why, due.memberID)
      }
      lines += ["", table.rendered]
    }
    if !reply.transfersIn.isEmpty {
      var table = Table("TRANSFERRED IN", "FROM", "DUE", "CREDIT", "MEMBER ID")
      for moved in reply.transfersIn {
        table.add(
          moved.name.isEmpty ? "(erased)" : moved.name, "\(moved.fromCohort)", moved.hasDue ? money(moved.due) : "",
          moved.hasCredit ? money(moved.credit) : "", moved.memberID)
      }
      lines += ["", table.rendered]
    }
    if !reply.paidNotSeated.isEmpty {
      var table = Table("PAID, NOT SEATED", "NAME", "", "PERSON ID")
      for unseated in reply.paidNotSeated {
        table.add(
          money(unseated.amount), unseated.name.isEmpty ? "(erased)" : unseated.name,
          unseated.waitlisted ? "waitlisted" : "", unseated.personID)
      }
      lines += ["", table.rendered]
    }
    return lines.joined(separator: "\n")
  }

  static func timestamp(_ timestamp: Google_Protobuf_Timestamp) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: timestamp.date)
  }
}
