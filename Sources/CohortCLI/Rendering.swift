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
    default: "unknown"
    }
  }

  static func cohorts(_ cohorts: [Cohort_V1_Cohort]) -> String {
    guard !cohorts.isEmpty else { return "No cohorts yet. Schedule one with `cohort cohorts schedule`." }
    var table = Table("NUMBER", "TITLE", "STATUS", "SEATS", "WAITLIST", "PRICE", "STARTS", "ENDS")
    for cohort in cohorts {
      table.add(
        "\(cohort.number)", cohort.title, status(cohort.status), "\(cohort.seatsTaken)/\(cohort.capacity)",
        "\(cohort.waitlistLength)", money(cohort.price), date(cohort.startsOn), date(cohort.endsOn))
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
    var table = Table("#", "NAME", "EMAIL", "SINCE", "MEMBER ID")
    for (index, entry) in entries.enumerated() {
      table.add(
        "\(index + 1)", entry.erased ? "(erased)" : entry.name, entry.email, timestamp(entry.since), entry.memberID)
    }
    return "\(title):\n" + table.rendered
  }

  static func timestamp(_ timestamp: Google_Protobuf_Timestamp) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: timestamp.date)
  }
}
