import CohortAPI
import Foundation

extension Rendering {
  static func customerStatus(_ status: Cohort_V1_CustomerStatus) -> String {
    switch status {
    case .interested: "interested"
    case .paying: "paying"
    case .refunded: "refunded"
    case .erased: "erased"
    default: "unknown"
    }
  }

  static func paymentStatus(_ status: Cohort_V1_PaymentStatus) -> String {
    switch status {
    case .pending: "pending"
    case .validated: "validated"
    case .refused: "refused"
    case .partiallyRefunded: "partially refunded"
    case .refunded: "refunded"
    default: "unknown"
    }
  }

  /// A person's name, or that they were erased.
  static func name(_ person: Cohort_V1_Person) -> String {
    person.erased ? "(erased)" : person.name
  }

  static func people(_ people: [Cohort_V1_Person]) -> String {
    guard !people.isEmpty else { return "No people. Register one with `cohort people add`." }
    return peopleTable(people).rendered
  }

  static func peopleTable(_ people: [Cohort_V1_Person]) -> Table {
    var table = Table("NAME", "EMAIL", "PHONE", "STATUS", "SOURCE", "REGISTERED", "PERSON ID")
    for person in people {
      table.add(
        name(person), person.email, person.phone, customerStatus(person.status), person.source,
        timestamp(person.registeredAt), person.personID)
    }
    return table
  }

  static func person(_ reply: Cohort_V1_GetPersonReply) -> String {
    let person = reply.person
    var lines = [
      "\(name(person))\(person.erased ? "" : " <\(person.email)>")",
      "Status:     \(customerStatus(person.status))",
      "Person id:  \(person.personID)",
      "Registered: \(timestamp(person.registeredAt))\(person.source.isEmpty ? "" : " from \(person.source)")",
    ]
    if !person.phone.isEmpty { lines.append("Phone:      \(person.phone)") }
    if !person.note.isEmpty { lines.append("Note:       \(person.note)") }
    lines.append("")
    if person.interests.isEmpty {
      lines.append("Interests: none")
    } else {
      var table = Table("COHORT", "CHANNEL", "SINCE")
      for interest in person.interests {
        table.add("\(interest.cohortNumber)", interest.channel, timestamp(interest.at))
      }
      lines.append("Interests:\n" + table.rendered)
    }
    lines.append("")
    lines.append(reply.payments.isEmpty ? "Payments: none" : "Payments:\n" + paymentTable(reply.payments))
    return lines.joined(separator: "\n")
  }

  static func payments(_ payments: [Cohort_V1_Payment]) -> String {
    guard !payments.isEmpty else { return "No payments. Expect one with `cohort payments expect`." }
    return paymentTable(payments)
  }

  static func paymentsSheet(_ payments: [Cohort_V1_Payment]) -> Table {
    var table = Table(
      "payment_id", "cohort", "amount", "currency", "status", "refunded", "method", "expected_at", "validated_at",
      "person_id")
    for payment in payments {
      table.add(
        payment.paymentID, "\(payment.cohortNumber)", plainAmount(payment.amount), payment.amount.currency,
        paymentStatus(payment.status), plainAmount(payment.refunded), payment.method, timestamp(payment.expectedAt),
        payment.hasValidatedAt ? timestamp(payment.validatedAt) : "", payment.personID)
    }
    return table
  }

  /// The funnel's figures, one per row.
  static func funnelSheet(_ reply: Cohort_V1_GetFunnelReply, cohort: Int32?) -> Table {
    var table = Table("figure", "value")
    if let cohort { table.add("cohort", "\(cohort)") }
    table.add("people", "\(reply.people)")
    table.add("erased", "\(reply.erased)")
    table.add("interested", "\(reply.interested)")
    table.add("paying", "\(reply.paying)")
    table.add("refunded", "\(reply.refunded)")
    table.add(
      "conversion_percent",
      reply.hasConversionBasisPoints ? String(format: "%.2f", Double(reply.conversionBasisPoints) / 100) : "")
    table.add(
      "median_days_to_first_payment",
      reply.hasMedianDaysToFirstPayment ? String(format: "%.1f", reply.medianDaysToFirstPayment) : "")
    for revenue in reply.revenue { table.add("revenue_\(revenue.currency.lowercased())", plainAmount(revenue)) }
    return table
  }

  private static func paymentTable(_ payments: [Cohort_V1_Payment]) -> String {
    var table = Table("PAYMENT ID", "COHORT", "AMOUNT", "STATUS", "REFUNDED", "METHOD", "PERSON ID")
    for payment in payments {
      table.add(
        payment.paymentID, "\(payment.cohortNumber)", money(payment.amount), paymentStatus(payment.status),
        payment.refunded.amountMinor == 0 ? "" : money(payment.refunded), payment.method, payment.personID)
    }
    return table.rendered
  }

  static func payment(_ payment: Cohort_V1_Payment) -> String {
    var lines = [
      "Payment \(payment.paymentID)",
      "Status:    \(paymentStatus(payment.status))",
      "Cohort:    \(payment.cohortNumber)",
      "Amount:    \(money(payment.amount))",
      "Person id: \(payment.personID.isEmpty ? "(nobody expected this payment)" : payment.personID)",
      "Expected:  \(timestamp(payment.expectedAt))",
    ]
    if payment.hasValidatedAt { lines.append("Validated: \(timestamp(payment.validatedAt)) by \(payment.method)") }
    if !payment.reference.isEmpty { lines.append("Reference: \(payment.reference)") }
    if payment.refunded.amountMinor > 0 { lines.append("Refunded:  \(money(payment.refunded))") }
    if !payment.refusal.isEmpty { lines.append("Refused:   \(payment.refusal)") }
    return lines.joined(separator: "\n")
  }

  static func funnel(_ reply: Cohort_V1_GetFunnelReply, cohort: Int32?) -> String {
    var lines = [
      cohort.map { "Funnel of cohort \($0)" } ?? "Funnel",
      "People:      \(reply.people)\(reply.erased > 0 ? " (\(reply.erased) erased)" : "")",
      "Interested:  \(reply.interested)",
      "Paying:      \(reply.paying)",
      "Refunded:    \(reply.refunded)",
      "Conversion:  "
        + (reply.hasConversionBasisPoints
          ? String(format: "%d.%02d%%", reply.conversionBasisPoints / 100, reply.conversionBasisPoints % 100) : "-"),
      "Days to pay: "
        + (reply.hasMedianDaysToFirstPayment ? String(format: "%.1f (median)", reply.medianDaysToFirstPayment) : "-"),
    ]
    lines.append(
      "Revenue:     " + (reply.revenue.isEmpty ? "none" : reply.revenue.map(money).joined(separator: ", "))
        + " (net of refunds)")
    if reply.people > 0 {
      lines += [
        "",
        Chart.bars(
          [
            ("people", Double(reply.people)), ("interested", Double(reply.interested)),
            ("paying", Double(reply.paying)), ("refunded", Double(reply.refunded)),
          ], format: { String(Int($0)) }),
      ]
    }
    return lines.joined(separator: "\n")
  }
}
