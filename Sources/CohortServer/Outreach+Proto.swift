import CohortAPI
import CohortDomain
import CohortMapping
import Foundation

/// Experiments and attempts as the API shows them: with the names of the people they target
/// (or that they were forgotten) and whether a paid attempt's payment is validated, both read
/// from the people and payments read model.
struct OutreachProjection {
  let model: CohortReadModel
  let tenantID: UUID
  let today: CalendarDate

  private var directory: CustomerDirectory { model.people }

  /// What the payments area says about payment `id`.
  func evidence(_ id: UUID) -> PaymentEvidence? {
    directory.payment(tenantID: tenantID, paymentID: id).map { payment in
      PaymentEvidence(
        validated: payment.status == .validated || payment.status == .partiallyRefunded,
        validatedOn: payment.validatedAt.map(CalendarDate.inKorea))
    }
  }

  func report(_ experiment: ExperimentView) -> ExperimentReport {
    ExperimentReport(experiment, today: today, payment: evidence)
  }

  func proto(_ experiment: ExperimentView, report: ExperimentReport) -> Cohort_V1_Experiment {
    let started = experiment.started
    return .with {
      $0.experimentID = started.experimentID.lowercased
      $0.hypothesis = started.hypothesis
      $0.offer = started.offer
      $0.price = started.price.proto
      $0.budget = Int32(started.budget)
      $0.founder = started.founder
      $0.startsOn = started.startsOn.proto
      $0.startedAt = .init(started.at)
      if let conclusion = experiment.conclusion {
        $0.result = conclusion.result.proto
        $0.learning = conclusion.learning
        $0.concludedAt = .init(conclusion.at)
      }
      $0.summary = proto(report)
    }
  }

  func proto(_ report: ExperimentReport) -> Cohort_V1_ExperimentSummary {
    .with {
      $0.attemptsUsed = Int32(report.attemptsUsed)
      $0.budget = Int32(report.budget)
      $0.budgetLeft = Int32(report.budgetLeft)
      $0.overBudget = Int32(report.overBudget)
      $0.budgetUsedUp = report.budgetUsedUp
      $0.outcomes = OutcomeKind.allCases.compactMap { kind in
        report.outcomes[kind].map { count in
          .with {
            $0.kind = kind.proto
            $0.count = Int32(count)
          }
        }
      }
      $0.paidValidated = Int32(report.paidValidated)
      $0.paidNotValidated = Int32(report.paidNotValidated)
      $0.rejectionReasons = report.rejectionReasons.map { reason in
        .with {
          $0.reason = reason.reason.proto
          $0.count = Int32(reason.count)
        }
      }
      $0.commitments = CommitmentKind.allCases.compactMap { kind in
        report.commitments[kind].map { count in
          .with {
            $0.kind = kind.proto
            $0.count = Int32(count)
          }
        }
      }
      $0.complimentsOnly = Int32(report.complimentsOnly)
      $0.validatedCustomers = Int32(report.validatedCustomers)
      if let days = report.daysToFirstValidatedPayment { $0.daysToFirstValidatedPayment = Int32(days) }
      $0.weeks = report.weeks.map { week in
        .with {
          $0.monday = week.monday.proto
          $0.attempts = Int32(week.attempts)
        }
      }
      $0.currentStreak = Int32(report.currentStreak)
    }
  }

  func proto(_ attempt: AttemptView) -> Cohort_V1_Attempt {
    .with {
      $0.experimentID = attempt.experimentID.lowercased
      $0.attemptID = attempt.attemptID.lowercased
      $0.number = Int32(attempt.number)
      switch attempt.target {
      case .person(let personID):
        $0.target = .with { $0.person = .with { $0.personID = personID.lowercased } }
        let person = directory.person(tenantID: tenantID, personID: personID)
        if let person, !person.erased, let details = person.details {
          $0.targetName = details.name
        } else {
          $0.targetErased = true
        }
      case .organisation(let name, let role):
        $0.target = .with {
          $0.organisation = .with {
            $0.name = name
            $0.contactRole = role
          }
        }
        $0.targetName = name
      }
      $0.channel = attempt.channel.proto
      $0.pitch = attempt.pitch
      $0.on = attempt.on.proto
      $0.outcome = attempt.outcome.proto
      $0.complimentsOnly = attempt.complimentsOnly
      if let step = attempt.nextStep { $0.nextStep = step.proto }
      $0.overBudget = attempt.overBudget
      if case .paid(let payment?) = attempt.outcome { $0.paidValidated = evidence(payment)?.validated ?? false }
      $0.history = attempt.history.map { change in
        .with {
          $0.outcome = change.outcome.proto
          $0.complimentsOnly = change.complimentsOnly
          $0.at = .init(change.at)
        }
      }
    }
  }
}
