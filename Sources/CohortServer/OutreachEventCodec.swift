import CohortAPI
import CohortDomain
import CohortMapping
import EventStore
import Foundation
import SwiftProtobuf

/// Outreach events as stored in the log: stream `experiment-<id>` of each experiment. Nothing in
/// them is sealed: a target is a person's id or an organisation.
enum OutreachEventCodec {
  static let category = "experiment"

  static let codec = EventCodec<OutreachEvent>(
    [
      .message(Cohort_V1_Events_ExperimentStarted.self) { m, _ in
        .experimentStarted(
          ExperimentStarted(
            experimentID: try UUID(field: "experiment_id", m.experimentID), hypothesis: m.hypothesis, offer: m.offer,
            price: try Money(m.price, field: "price"), budget: Int(m.budget), founder: m.founder,
            startsOn: try CalendarDate(m.startsOn, field: "starts_on"), at: try m.at.checkedDate(field: "at")))
      },
      .message(Cohort_V1_Events_AttemptLogged.self) { m, _ in
        let target: AttemptTarget
        switch m.target {
        case .personID(let id): target = .person(try UUID(field: "person_id", id))
        case .organisation(let organisation):
          target = .organisation(name: organisation.name, contactRole: organisation.contactRole)
        case nil: throw EventStoreError(.corrupted, "an AttemptLogged event without a target")
        }
        return .attemptLogged(
          AttemptLogged(
            attempt: LogAttempt(
              attemptID: try UUID(field: "attempt_id", m.attemptID), target: target,
              channel: try OutreachChannel(m.channel, field: "channel"), pitch: m.pitch,
              outcome: try AttemptOutcome(m.outcome, field: "outcome", payment: paymentID),
              complimentsOnly: m.complimentsOnly,
              nextStep: m.hasNextStep ? try NextStep(m.nextStep, field: "next_step") : nil,
              on: try CalendarDate(m.on, field: "on")),
            at: try m.at.checkedDate(field: "at")))
      },
      .message(Cohort_V1_Events_AttemptUpdated.self) { m, _ in
        .attemptUpdated(
          AttemptUpdated(
            update: UpdateAttempt(
              attemptID: try UUID(field: "attempt_id", m.attemptID),
              outcome: try AttemptOutcome(m.outcome, field: "outcome", payment: paymentID),
              complimentsOnly: m.complimentsOnly,
              nextStep: m.hasNextStep ? try NextStep(m.nextStep, field: "next_step") : nil),
            at: try m.at.checkedDate(field: "at")))
      },
      .message(Cohort_V1_Events_ExperimentConcluded.self) { m, _ in
        .experimentConcluded(
          ExperimentConcluded(
            result: try ExperimentResult(m.result, field: "result"), learning: m.learning,
            at: try m.at.checkedDate(field: "at")))
      },
    ], encode: encode)

  static let aggregate = Aggregate<Outreach>(codec: codec)

  static func stream(tenantID: UUID, experimentID: UUID) -> StreamName {
    StreamName(tenantID: tenantID, category: category, id: experimentID)
  }

  static func experimentID(of stream: StreamName) -> UUID? {
    stream.id(in: category)
  }

  /// A linked payment is stored by our id.
  @Sendable private static func paymentID(_ text: String) throws(DomainError) -> UUID {
    try UUID(field: "outcome.payment", text)
  }

  private static func encode(_ event: OutreachEvent) -> any SwiftProtobuf.Message {
    switch event {
    case .experimentStarted(let e):
      Cohort_V1_Events_ExperimentStarted.with {
        $0.experimentID = e.experimentID.lowercased
        $0.hypothesis = e.hypothesis
        $0.offer = e.offer
        $0.price = e.price.proto
        $0.budget = Int32(e.budget)
        $0.founder = e.founder
        $0.startsOn = e.startsOn.proto
        $0.at = .init(e.at)
      }
    case .attemptLogged(let e):
      Cohort_V1_Events_AttemptLogged.with {
        let attempt = e.attempt
        $0.attemptID = attempt.attemptID.lowercased
        switch attempt.target {
        case .person(let id): $0.personID = id.lowercased
        case .organisation(let name, let role):
          $0.organisation = .with {
            $0.name = name
            $0.contactRole = role
          }
        }
        $0.channel = attempt.channel.proto
        $0.pitch = attempt.pitch
        $0.outcome = attempt.outcome.proto
        $0.complimentsOnly = attempt.complimentsOnly
        if let step = attempt.nextStep { $0.nextStep = step.proto }
        $0.on = attempt.on.proto
        $0.at = .init(e.at)
      }
    case .attemptUpdated(let e):
      Cohort_V1_Events_AttemptUpdated.with {
        $0.attemptID = e.update.attemptID.lowercased
        $0.outcome = e.update.outcome.proto
        $0.complimentsOnly = e.update.complimentsOnly
        if let step = e.update.nextStep { $0.nextStep = step.proto }
        $0.at = .init(e.at)
      }
    case .experimentConcluded(let e):
      Cohort_V1_Events_ExperimentConcluded.with {
        $0.result = e.result.proto
        $0.learning = e.learning
        $0.at = .init(e.at)
      }
    }
  }
}
