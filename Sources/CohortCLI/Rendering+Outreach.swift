import CohortAPI
import CohortDomain
import CohortMapping
import Foundation

extension Rendering {
  static func experiments(_ reply: Cohort_V1_ListExperimentsReply) -> String {
    guard !reply.experiments.isEmpty else { return "No experiments. Start one with `cohort experiments start`." }
    var table = Table("EXPERIMENT ID", "OFFER", "FOUNDER", "ATTEMPTS", "REJECTED", "PAID ✓", "STATUS")
    for experiment in reply.experiments {
      let summary = experiment.summary
      table.add(
        experiment.experimentID, experiment.offer, experiment.founder, "\(summary.attemptsUsed)/\(summary.budget)",
        "\(count(.rejected, in: summary))", "\(summary.validatedCustomers)", status(experiment))
    }
    var founders = Table("FOUNDER", "EXPERIMENTS", "ATTEMPTS", "BUDGET", "REJECTED", "PAYING CUSTOMERS")
    for founder in reply.founders {
      founders.add(
        founder.founder, "\(founder.experiments)", "\(founder.attemptsUsed)", "\(founder.budget)",
        "\(founder.rejections)", "\(founder.validatedCustomers)")
    }
    return table.rendered + "\n\nPer founder:\n" + founders.rendered
  }

  static func experiment(_ experiment: Cohort_V1_Experiment) -> String {
    let summary = experiment.summary
    var lines = [
      "Experiment \(experiment.experimentID): \(status(experiment))",
      "Hypothesis: \(experiment.hypothesis)",
      "Offer:      \(experiment.offer) at \(money(experiment.price))",
      "Founder:    \(experiment.founder), since \(date(experiment.startsOn))",
      "Attempts:   \(summary.attemptsUsed) of \(summary.budget) budgeted"
        + (summary.budgetUsedUp
          ? " — the budget is used up" + (summary.overBudget > 0 ? " (\(summary.overBudget) over)" : "")
          : " (\(summary.budgetLeft) left)"),
      "Paying customers (validated payments): \(summary.validatedCustomers)"
        + (summary.paidNotValidated > 0 ? "; \(summary.paidNotValidated) paid, not validated" : ""),
    ]
    if summary.hasDaysToFirstValidatedPayment {
      lines.append("First validated payment: \(summary.daysToFirstValidatedPayment) days after the start")
    }
    if !experiment.learning.isEmpty { lines.append("Learning:   \(experiment.learning)") }
    lines.append("")
    var outcomes = Table("OUTCOME", "ATTEMPTS")
    for outcome in summary.outcomes { outcomes.add(kind(outcome.kind), "\(outcome.count)") }
    lines.append(summary.outcomes.isEmpty ? "Outcomes: none yet" : "Outcomes:\n" + outcomes.rendered)
    if !summary.rejectionReasons.isEmpty {
      var reasons = Table("REASON", "TIMES")
      for reason in summary.rejectionReasons { reasons.add(rejection(reason.reason), "\(reason.count)") }
      lines += ["", "Top rejection reasons:\n" + reasons.rendered]
    }
    if !summary.commitments.isEmpty {
      let commitments = summary.commitments.map { "\(commitment($0.kind)) \($0.count)" }.joined(separator: ", ")
      lines += ["", "Commitments: \(commitments)"]
    }
    lines.append("Compliments only: \(summary.complimentsOnly)")
    lines += [
      "",
      "Weekly attempts (current streak: \(summary.currentStreak) \(summary.currentStreak == 1 ? "week" : "weeks")):",
    ]
    lines.append(Chart.sparkline(summary.weeks.map { Double($0.attempts) }).map { "  \($0)" } ?? "  none yet")
    lines.append(
      Chart.bars(
        summary.weeks.map { (label: date($0.monday), value: Double($0.attempts)) }, format: { String(Int($0)) }))
    return lines.joined(separator: "\n")
  }

  static func attempts(_ attempts: [Cohort_V1_Attempt]) -> String {
    guard !attempts.isEmpty else { return "No attempts yet. Log one with `cohort attempts log`." }
    var table = Table("#", "DAY", "TARGET", "CHANNEL", "OUTCOME", "NEXT STEP", "ATTEMPT ID")
    for attempt in attempts {
      table.add(
        "\(attempt.number)\(attempt.overBudget ? "*" : "")", date(attempt.on), target(attempt),
        channel(attempt.channel), outcome(attempt), nextStep(attempt), attempt.attemptID)
    }
    let flagged = attempts.contains(where: \.overBudget) ? "\n* over the budget" : ""
    return table.rendered + flagged
  }

  static func attemptsTable(_ attempts: [Cohort_V1_Attempt]) -> Table {
    var table = Table(
      "number", "day", "target", "channel", "outcome", "reason", "detail", "paid_validated", "compliments_only",
      "next_step", "due", "over_budget", "attempt_id")
    for attempt in attempts {
      let outcome = attempt.outcome
      table.add(
        "\(attempt.number)", date(attempt.on), target(attempt), channel(attempt.channel), kind(outcome.kind),
        outcome.kind == .rejected ? rejection(outcome.rejectionReason) : "", outcome.detail,
        outcome.kind == .paid ? (attempt.paidValidated ? "yes" : "no") : "", attempt.complimentsOnly ? "yes" : "no",
        attempt.hasNextStep ? attempt.nextStep.action : "", attempt.hasNextStep ? date(attempt.nextStep.due) : "",
        attempt.overBudget ? "yes" : "no", attempt.attemptID)
    }
    return table
  }

  static func experimentsSheets(_ reply: Cohort_V1_ListExperimentsReply) -> [Table] {
    var table = Table(
      "experiment_id", "offer", "founder", "attempts", "budget", "rejected", "paying_customers", "status")
    for experiment in reply.experiments {
      let summary = experiment.summary
      table.add(
        experiment.experimentID, experiment.offer, experiment.founder, "\(summary.attemptsUsed)", "\(summary.budget)",
        "\(count(.rejected, in: summary))", "\(summary.validatedCustomers)", status(experiment))
    }
    var founders = Table("founder", "experiments", "attempts", "budget", "rejected", "paying_customers")
    for founder in reply.founders {
      founders.add(
        founder.founder, "\(founder.experiments)", "\(founder.attemptsUsed)", "\(founder.budget)",
        "\(founder.rejections)", "\(founder.validatedCustomers)")
    }
    return [table, founders]
  }

  /// The experiment's figures, then its weeks.
  static func experimentSheets(_ experiment: Cohort_V1_Experiment) -> [Table] {
    let summary = experiment.summary
    var figures = Table("figure", "value")
    figures.add("experiment_id", experiment.experimentID)
    figures.add("status", status(experiment))
    figures.add("hypothesis", experiment.hypothesis)
    figures.add("offer", experiment.offer)
    figures.add("price", plainAmount(experiment.price))
    figures.add("currency", experiment.price.currency)
    figures.add("founder", experiment.founder)
    figures.add("starts_on", date(experiment.startsOn))
    figures.add("attempts", "\(summary.attemptsUsed)")
    figures.add("budget", "\(summary.budget)")
    figures.add("paying_customers", "\(summary.validatedCustomers)")
    figures.add("paid_not_validated", "\(summary.paidNotValidated)")
    for outcome in summary.outcomes { figures.add("outcome_\(kind(outcome.kind))", "\(outcome.count)") }
    for reason in summary.rejectionReasons { figures.add("rejected_\(rejection(reason.reason))", "\(reason.count)") }
    figures.add("compliments_only", "\(summary.complimentsOnly)")
    figures.add("current_streak_weeks", "\(summary.currentStreak)")
    var weeks = Table("week_of", "attempts")
    for week in summary.weeks { weeks.add(date(week.monday), "\(week.attempts)") }
    return [figures, weeks]
  }

  static func followups(_ followups: [Cohort_V1_Followup]) -> String {
    guard !followups.isEmpty else { return "No next steps are due." }
    return followupsTable(followups).rendered
  }

  static func followupsTable(_ followups: [Cohort_V1_Followup]) -> Table {
    var table = Table("DUE", "OVERDUE", "NEXT STEP", "TARGET", "OFFER", "ATTEMPT ID")
    for followup in followups {
      let attempt = followup.attempt
      table.add(
        date(attempt.nextStep.due), followup.overdue ? "overdue" : "", attempt.nextStep.action, target(attempt),
        followup.offer, attempt.attemptID)
    }
    return table
  }

  private static func status(_ experiment: Cohort_V1_Experiment) -> String {
    switch experiment.result {
    case .validated: "validated"
    case .invalidated: "invalidated"
    case .pivot: "pivot"
    default: "running"
    }
  }

  private static func count(_ kind: OutcomeKind, in summary: Cohort_V1_ExperimentSummary) -> Int32 {
    summary.outcomes.first { $0.kind == kind.proto }?.count ?? 0
  }

  private static func target(_ attempt: Cohort_V1_Attempt) -> String {
    if attempt.targetErased { return "(erased)" }
    let role = attempt.target.organisation.contactRole
    return role.isEmpty ? attempt.targetName : "\(attempt.targetName) (\(role))"
  }

  private static func outcome(_ attempt: Cohort_V1_Attempt) -> String {
    let outcome = attempt.outcome
    var text = kind(outcome.kind)
    switch outcome.kind {
    case .rejected:
      text += ": \(rejection(outcome.rejectionReason))" + (outcome.detail.isEmpty ? "" : " — \(outcome.detail)")
    case .committed: text += ": \(commitment(outcome.commitment)) — \(outcome.detail)"
    case .paid: text += attempt.paidValidated ? " (validated)" : " (not validated)"
    default: break
    }
    return text + (attempt.complimentsOnly ? " [compliments only]" : "")
  }

  private static func nextStep(_ attempt: Cohort_V1_Attempt) -> String {
    attempt.hasNextStep ? "\(attempt.nextStep.action) by \(date(attempt.nextStep.due))" : ""
  }

  private static func kind(_ kind: Cohort_V1_OutcomeKind) -> String {
    (try? OutcomeKind(kind, field: "kind"))?.rawValue ?? "unknown"
  }

  private static func rejection(_ reason: Cohort_V1_RejectionReason) -> String {
    (try? RejectionReason(reason, field: "reason"))?.rawValue ?? "unknown"
  }

  private static func commitment(_ kind: Cohort_V1_CommitmentKind) -> String {
    (try? CommitmentKind(kind, field: "commitment"))?.rawValue ?? "unknown"
  }

  private static func channel(_ channel: Cohort_V1_OutreachChannel) -> String {
    (try? OutreachChannel(channel, field: "channel"))?.rawValue ?? "unknown"
  }
}
