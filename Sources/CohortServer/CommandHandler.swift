import CohortAPI
import CohortDomain
import EventStore
import Foundation
import GRPCCore

/// Runs one command against one stream: load, fold, decide, append with the expected version.
///
/// Retries are safe: the ids of the appended events are derived from the client's request id,
/// so when a request was already applied the handler finds its events in the stream and
/// returns the first answer instead of deciding again. Commands on one stream run one at a time
/// in this server; a writer in another server makes it reload and decide again, after a short
/// random pause, a few times before answering ABORTED.
struct CommandHandler: Sendable {
  struct Outcome<Event: Sendable>: Sendable {
    /// The events the request appended (now, or the first time it was applied).
    var events: [Event]
    var position: Int64
    var streamVersion: Int64
    /// The event types, empty when the answer is replayed from an earlier attempt.
    var appendedTypes: [String]
  }

  let store: any EventStore
  let now: @Sendable () -> Date
  var maximumAttempts = 8
  private let streams = KeyedLock<StreamName>()

  init(store: any EventStore, now: @escaping @Sendable () -> Date) {
    self.store = store
    self.now = now
  }

  func handle<State, Event>(
    _ aggregate: Aggregate<State, Event>, stream: StreamName, requestID: UUID, principal: Principal,
    decide: (State, Date) throws(DomainError) -> [Event]
  ) async throws -> Outcome<Event> {
    try await streams.withLock(stream) {
      try await handleLocked(aggregate, stream: stream, requestID: requestID, principal: principal, decide: decide)
    }
  }

  private func handleLocked<State, Event>(
    _ aggregate: Aggregate<State, Event>, stream: StreamName, requestID: UUID, principal: Principal,
    decide: (State, Date) throws(DomainError) -> [Event]
  ) async throws -> Outcome<Event> {
    let metadata = try Cohort_V1_Events_EventMetadata.with {
      $0.requestID = requestID.lowercased
      $0.tokenID = principal.tokenID.lowercased
      $0.role = principal.role.proto
    }.serializedBytes() as Data
    let firstID = eventID(requestID: requestID, stream: stream, index: 0)

    for attempt in 0..<maximumAttempts {
      if attempt > 0 {
        // Another server wrote to this stream meanwhile; step aside for a moment, then decide again.
        try await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 << min(attempt, 5)))))
      }
      let recorded = try await store.readStream(stream)
      if let start = recorded.firstIndex(where: { $0.id == firstID }) {
        return try replay(aggregate, Array(recorded[start...]), requestID: requestID, stream: stream)
      }
      var state = aggregate.initial
      for event in recorded {
        if let decoded = try aggregate.decode(event) { state = aggregate.evolve(state, decoded) }
      }
      let events = try decide(state, now())
      guard !events.isEmpty else {
        return Outcome(
          events: [], position: recorded.last?.position ?? 0, streamVersion: Int64(recorded.count), appendedTypes: [])
      }
      let data = try events.enumerated().map { index, event in
        let (type, payload) = try aggregate.encode(event)
        return EventData(
          id: eventID(requestID: requestID, stream: stream, index: index), type: type,
          schemaVersion: EnrollmentEventCodec.currentSchemaVersion, data: payload, metadata: metadata)
      }
      if let result = try await appendUnlessConflict(data, to: stream, expecting: Int64(recorded.count)) {
        return Outcome(
          events: events, position: result.position, streamVersion: result.nextExpectedVersion,
          appendedTypes: data.map(\.type))
      }
      // Someone else wrote to the stream (or retried this request) meanwhile: decide again.
    }
    throw RPCError(
      code: .aborted, message: "\(stream.category) was changed concurrently too often; retry the request")
  }

  /// Appends at the expected version; `nil` when the stream moved on meanwhile.
  private func appendUnlessConflict(_ events: [EventData], to stream: StreamName, expecting version: Int64)
    async throws -> AppendResult?
  {
    do {
      return try await store.append(events, to: stream, expecting: .exact(version))
    } catch {
      guard error.code == .wrongExpectedVersion || error.code == .duplicateEventID else { throw error }
      return nil
    }
  }

  /// The answer to a request whose events are already in the stream.
  private func replay<State, Event>(
    _ aggregate: Aggregate<State, Event>, _ tail: [RecordedEvent], requestID: UUID, stream: StreamName
  ) throws -> Outcome<Event> {
    var mine: [RecordedEvent] = []
    for (index, event) in tail.enumerated() {
      guard event.id == eventID(requestID: requestID, stream: stream, index: index) else { break }
      mine.append(event)
    }
    let events = try mine.compactMap { try aggregate.decode($0) }
    let last = mine[mine.count - 1]
    return Outcome(events: events, position: last.position, streamVersion: last.version, appendedTypes: [])
  }

  private func eventID(requestID: UUID, stream: StreamName, index: Int) -> UUID {
    UUID(namespace: requestID, name: "\(stream)/\(index)")
  }
}
