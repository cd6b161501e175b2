import CohortAPI
import CohortDomain
import EventStore
import Foundation
import GRPCCore
import Logging
import SwiftProtobuf

/// The process manager that seats a person when their payment for an open cohort is validated
/// (or waitlists them when it is full), with nobody typing a command.
///
/// It reacts to `PaymentValidated` events as the projection folds them, so it does not depend on
/// the webhook's HTTP request, and after a restart (or `kill -9`) the catch-up fold hands it every
/// validated payment again. Exactly once comes from the command pipeline: the Enroll's request id
/// is derived from the payment event's id, so a repeated reaction (a restart, a second server on
/// the same database) meets the first one's events and appends nothing new. A payment for a cohort
/// that is not open is left for the cohort report ("paid but not seated").
final class AutomaticEnrollment: Sendable {
  struct Job: Codable, Equatable, Sendable {
    var eventID: UUID
    var tenantID: UUID
    var personID: UUID
    var cohortNumber: Int

    /// The reaction to `event` (`change`, decoded), if it validated a payment for a cohort.
    init?(_ event: RecordedEvent, _ change: PaymentEvent) {
      guard case .paymentValidated(let validated) = change, validated.cohortNumber > 0 else { return nil }
      eventID = event.id
      tenantID = event.stream.tenantID
      personID = validated.personID
      cohortNumber = validated.cohortNumber
    }
  }

  /// The id under which automatic enrollments are recorded (in place of a token's).
  static let tokenID = UUID(uuidString: "a0e0a0e0-0000-4000-8000-000000000001")!
  private static let namespace = UUID(uuidString: "9a4e6c8a-0c2e-4a6c-8e0a-2c4e6a8c0e08")!

  private let jobs: AsyncStream<Job>
  private let queue: AsyncStream<Job>.Continuation

  init() {
    (jobs, queue) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
  }

  /// Queues the validated payments of a batch the projection has folded.
  func folded(_ batch: [DecodedEvent]) {
    for event in batch {
      guard case .success(.payment(_, let change)) = event.content, let job = Job(event.recorded, change) else {
        continue
      }
      queue.yield(job)
    }
  }

  /// Queues the reactions to the validated payments a snapshot's read model holds: a start from
  /// a snapshot reacts to them again, as a fold from the start of the log does.
  func restored(_ jobs: [Job]) {
    for job in jobs { queue.yield(job) }
  }

  /// Reacts until cancelled.
  func run(core: ServerCore, logger: Logger) async {
    for await job in jobs {
      guard !Task.isCancelled else { return }
      await react(to: job, core: core, logger: logger)
    }
  }

  /// One reaction, retried while the store is unavailable or the cohort busy: a validated payment
  /// is never dropped for a passing failure.
  private func react(to job: Job, core: ServerCore, logger: Logger) async {
    var delay = Duration.milliseconds(100)
    while !Task.isCancelled {
      do {
        try await enroll(job, core: core, logger: logger)
        return
      } catch let refusal as DomainError {
        // Already seated (by staff, or by this reaction earlier), or the rules say no.
        logger.debug(
          "automatic enrollment: nothing to do",
          metadata: ["payment-event": "\(job.eventID)", "why": "\(refusal.message)"])
        return
      } catch  where Self.isPassing(error) {
        logger.warning(
          "automatic enrollment failed; retrying",
          metadata: ["payment-event": "\(job.eventID)", "error": "\(error)", "retry-in": "\(delay)"])
        try? await Task.sleep(for: delay)
        delay = min(delay * 2, .seconds(5))
      } catch {
        // Not a passing failure: retrying would hold up every later payment behind this one.
        logger.error(
          "automatic enrollment refused; the payment stays paid but not seated",
          metadata: ["payment-event": "\(job.eventID)", "error": "\(error)"])
        return
      }
    }
  }

  /// The store unreachable, or the cohort changed concurrently too often: worth another try.
  private static func isPassing(_ error: any Error) -> Bool {
    if let error = error as? EventStoreError { return error.code == .unavailable }
    if let error = error as? RPCError { return error.code == .unavailable || error.code == .aborted }
    return false
  }

  private func enroll(_ job: Job, core: ServerCore, logger: Logger) async throws {
    let found = core.readModel.read { model -> (CohortView, Contact, Money?)? in
      guard let cohort = model.catalog.cohort(tenantID: job.tenantID, number: job.cohortNumber),
        let person = model.people.person(tenantID: job.tenantID, personID: job.personID), !person.erased,
        let details = person.details
      else { return nil }
      let paid = model.people.paid(
        tenantID: job.tenantID, personID: job.personID, cohortNumber: job.cohortNumber,
        currency: cohort.price.currency)
      return (cohort, Contact(name: details.name, email: details.email), paid)
    }
    guard let (cohort, contact, paid) = found else { return }
    guard cohort.status == .open else {
      logger.info(
        "a validated payment for a cohort that is not open: paid but not seated",
        metadata: ["cohort": "\(cohort.number)", "status": "\(cohort.status)"])
      return
    }
    _ = try await core.keys.key(for: job.personID, tenantID: job.tenantID)
    let request = RequestFingerprint(
      requestID: UUID(namespace: Self.namespace, name: job.eventID.lowercased),
      method: "cohortd/automatic-enrollment", body: Data(job.eventID.lowercased.utf8))
    let outcome = try await core.commands.handle(
      EnrollmentCommand.enroll(
        Enroll(memberID: job.personID, name: contact.name, email: contact.email, seat: .paid, paid: paid)),
      on: Aggregate<Enrollment>(codec: core.codecs.enrollment),
      stream: CohortStreams.stream(tenantID: job.tenantID, cohortID: cohort.cohortID), subjectID: cohort.cohortID,
      request: request,
      principal: Principal(
        tenantID: job.tenantID, role: .owner, tokenID: Self.tokenID, label: "automatic enrollment"))
    if !outcome.appendedTypes.isEmpty {
      logger.info(
        "automatic enrollment", metadata: ["cohort": "\(cohort.number)", "events": "\(outcome.appendedTypes)"])
    }
  }
}
