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
    let widest = max(1, summary.weeks.map(\.attempts).max() ?? 1)
    for week in summary.weeks {
      let bar = String(repeating: "█", count: Int((Double(week.attempts) / Double(widest) * 20).rounded(.up)))
      lines.append("  \(date(week.monday))  \(bar) \(week.attempts)")
    }
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

  static func followups(_ followups: [Cohort_V1_Followup]) -> String {
    guard !followups.isEmpty else { return "No next steps are due." }
    var table = Table("DUE", "", "NEXT STEP", "TARGET", "OFFER", "ATTEMPT ID")
    for followup in followups {
      let attempt = followup.attempt
      table.add(
        date(attempt.nextStep.due), followup.overdue ? "overdue" : "", attempt.nextStep.action, target(attempt),
        followup.offer, attempt.attemptID)
    }
    return table.rendered
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
