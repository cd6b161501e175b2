import CohortAPI
import CohortDomain
import CohortMapping
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

  /// A money amount as a spreadsheet reads a number: major units, no grouping ("200000", "12.50").
  static func plainAmount(_ money: Cohort_V1_Money) -> String {
    guard let currency = try? Currency(money.currency) else { return "\(money.amountMinor)" }
    let exponent = currency.minorUnitExponent
    guard exponent > 0 else { return "\(money.amountMinor)" }
    var divisor: Int64 = 1
    for _ in 0..<exponent { divisor *= 10 }
    let sign = money.amountMinor < 0 ? "-" : ""
    let fraction = String(abs(money.amountMinor) % divisor)
    return "\(sign)\(abs(money.amountMinor) / divisor)." + String(repeating: "0", count: exponent - fraction.count)
      + fraction
  }

  static func tokenState(_ token: Cohort_V1_TokenInfo) -> String {
    if token.hasRevokedAt {
      return "revoked \(timestamp(token.revokedAt))" + (token.revokedReason.isEmpty ? "" : " (\(token.revokedReason))")
    }
    return token.valid ? "valid" : "expired"
  }

  static func tokens(_ tokens: [Cohort_V1_TokenInfo]) -> String {
    var table = Table("TOKEN ID", "ROLE", "LABEL", "STATE", "ISSUED", "EXPIRES")
    for token in tokens {
      table.add(
        token.tokenID, AccessRole(token.role)?.rawValue ?? "unknown", token.label, tokenState(token),
        timestamp(token.issuedAt), token.hasExpiresAt ? timestamp(token.expiresAt) : "never")
    }
    return table.rendered
  }

  static func tokensSheet(_ tokens: [Cohort_V1_TokenInfo]) -> Table {
    var table = Table(
      "token_id", "role", "label", "person_id", "valid", "issued_at", "expires_at", "revoked_at", "revoked_reason")
    for token in tokens {
      table.add(
        token.tokenID, AccessRole(token.role)?.rawValue ?? "unknown", token.label, token.personID,
        token.valid ? "yes" : "no",
        timestamp(token.issuedAt), token.hasExpiresAt ? timestamp(token.expiresAt) : "",
        token.hasRevokedAt ? timestamp(token.revokedAt) : "", token.revokedReason)
    }
    return table
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

  static func cohortsSheet(_ cohorts: [Cohort_V1_Cohort]) -> Table {
    var table = Table(
      "number", "title", "status", "seats_taken", "capacity", "waitlist", "price", "currency", "revenue", "starts_on",
      "ends_on")
    for cohort in cohorts {
      table.add(
        "\(cohort.number)", cohort.title, status(cohort.status), "\(cohort.seatsTaken)", "\(cohort.capacity)",
        "\(cohort.waitlistLength)", plainAmount(cohort.price), cohort.price.currency,
        cohort.revenue.first { $0.currency == cohort.price.currency }.map(plainAmount) ?? "0", date(cohort.startsOn),
        date(cohort.endsOn))
    }
    return table
  }

  /// The roster and the waitlist as one sheet.
  static func rosterSheet(_ reply: Cohort_V1_GetCohortReply) -> Table {
    var table = Table("list", "place", "name", "email", "seat", "seat_reason", "alumni", "since", "member_id")
    for (list, entries) in [("member", reply.members), ("waitlist", reply.waitlist)] {
      for (index, entry) in entries.enumerated() {
        table.add(
          list, "\(index + 1)", entry.erased ? "(erased)" : entry.name, entry.email, seatKind(entry), entry.seatReason,
          entry.alumni ? "yes" : "no", timestamp(entry.since), entry.memberID)
      }
    }
    return table
  }

  private static func seatKind(_ entry: Cohort_V1_RosterEntry) -> String {
    switch entry.seat {
    case .paid: "paid"
    case .scholarship: "scholarship"
    case .free: "free"
    default: ""
    }
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

  /// The report's figures as rows, then the members who need something, one sheet each.
  static func reportSheets(_ reply: Cohort_V1_CohortReport) -> [Table] {
    let cohort = reply.cohort
    var figures = Table("figure", "value")
    figures.add("cohort", "\(cohort.number)")
    figures.add("title", cohort.title)
    figures.add("status", status(cohort.status))
    figures.add("capacity", "\(reply.capacity)")
    figures.add("seats_taken", "\(reply.seatsTaken)")
    figures.add("waitlist", "\(reply.waitlist)")
    figures.add("paying", "\(reply.paying)")
    figures.add("scholarships", "\(reply.scholarships)")
    figures.add("free_seats", "\(reply.freeSeats)")
    for revenue in reply.revenue { figures.add("revenue_\(revenue.currency.lowercased())", plainAmount(revenue)) }
    figures.add(
      "refund_rate_percent",
      reply.hasRefundRateBasisPoints ? String(format: "%.2f", Double(reply.refundRateBasisPoints) / 100) : "")
    figures.add("alumni", "\(reply.alumni)")
    var sheets = [figures]
    if !reply.refundsDue.isEmpty {
      var table = Table("refund_due", "currency", "name", "why", "member_id")
      for due in reply.refundsDue {
        table.add(
          plainAmount(due.amount), due.amount.currency, due.name.isEmpty ? "(erased)" : due.name, due.why, due.memberID)
      }
      sheets.append(table)
    }
    if !reply.transfersIn.isEmpty {
      var table = Table("transferred_in", "from_cohort", "due", "credit", "currency", "member_id")
      for moved in reply.transfersIn {
        table.add(
          moved.name.isEmpty ? "(erased)" : moved.name, "\(moved.fromCohort)",
          moved.hasDue ? plainAmount(moved.due) : "",
          moved.hasCredit ? plainAmount(moved.credit) : "", moved.hasDue ? moved.due.currency : moved.credit.currency,
          moved.memberID)
      }
      sheets.append(table)
    }
    if !reply.paidNotSeated.isEmpty {
      var table = Table("paid_not_seated", "currency", "name", "waitlisted", "person_id")
      for unseated in reply.paidNotSeated {
        table.add(
          plainAmount(unseated.amount), unseated.amount.currency, unseated.name.isEmpty ? "(erased)" : unseated.name,
          unseated.waitlisted ? "yes" : "no", unseated.personID)
      }
      sheets.append(table)
    }
    return sheets
  }

  /// A time from the server; one outside what a Timestamp may hold is shown as such, not trapped on.
  static func timestamp(_ timestamp: Google_Protobuf_Timestamp) -> String {
    guard let date = try? timestamp.checkedDate(field: "time") else { return "(invalid time)" }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
  }
}
