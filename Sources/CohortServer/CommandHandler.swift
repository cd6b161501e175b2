import CohortAPI
import CohortDomain
import CohortMapping
import EventStore
import Foundation
import GRPCCore
import Synchronization

/// Runs one command against one stream: fold its state, decide, append at the expected version.
///
/// - Commands on one stream run one at a time in this server (``KeyedLock``), and the state a
///   command leaves behind is kept in memory, so a busy stream is not read again per command.
/// - Retries are safe: the ids of the appended events are derived from the client's request id.
///   When a request was already applied, the store refuses its ids again; the handler then finds
///   the request's events in the stream and returns the first answer instead of deciding again.
/// - A writer in another server makes the append conflict: the handler reloads the stream and
///   decides again after a short random pause, a few times, before answering ABORTED.
final class CommandHandler: Sendable {
  struct Outcome<Event: Sendable>: Sendable {
    /// The events the request appended (now, or the first time it was applied).
    var events: [Event]
    var position: Int64
    var streamVersion: Int64
    /// The event types, empty when the answer is replayed from an earlier attempt.
    var appendedTypes: [String]

    /// What every command RPC answers: where its events are in the log.
    var reply: Cohort_V1_CommandReply {
      .with {
        $0.position = position
        $0.streamVersion = streamVersion
        $0.eventTypes = appendedTypes
      }
    }
  }

  /// A stream's state as of a version.
  private struct Snapshot: Sendable {
    var state: any Sendable
    var version: Int64
  }

  /// What reading a stream found: its state, or the answer to a request already applied.
  private enum Loaded<State, Event: Sendable> {
    case current(State, version: Int64)
    case applied(Outcome<Event>)
  }

  let store: any EventStore
  let now: @Sendable () -> Date
  /// Attempts before ABORTED: two servers enrolling a rush into one cohort lose races to each other
  /// in turn, and each retry waits a little longer (about 1.3 s in all at most).
  let maximumAttempts = 12
  /// The most streams whose state is kept in memory.
  let cacheCapacity = 4_096
  private let streams = KeyedLock<StreamName>()
  /// Least recently used streams go first: a caller touching many streams once cannot push out
  /// the busy ones (random eviction could).
  private let cache: Mutex<LRUCache<StreamName, Snapshot>>

  init(store: any EventStore, now: @escaping @Sendable () -> Date) {
    self.store = store
    self.now = now
    cache = Mutex(LRUCache(capacity: cacheCapacity))
  }

  /// Decides `command` on `stream` (whose subject is `subjectID`) and appends what it produced.
  ///
  /// - Parameters:
  ///   - request: identifies the request behind `requestID` (``RequestFingerprint``).
  ///   - likelyNew: the stream most likely has no events yet (the read model has never seen it):
  ///     the first attempt decides on the initial state without reading the stream. The guess is
  ///     checked like a cached state: the append expects version 0, and a refusal is decided
  ///     again on the stream as stored.
  func handle<Area: Decider>(
    _ command: Area.Command, on aggregate: Aggregate<Area>, stream: StreamName, subjectID: UUID,
    request: RequestFingerprint, principal: Principal, likelyNew: Bool = false
  ) async throws -> Outcome<Area.Event> {
    let requestID = request.requestID
    let metadata: Data = try Cohort_V1_Events_EventMetadata(
      requestID: requestID, tokenID: principal.tokenID, role: principal.role, requestDigest: request.digest
    ).serializedBytes()
    return try await streams.withLock(stream) {
      for attempt in 0..<maximumAttempts {
        if attempt > 0 {
          // Another server wrote to this stream meanwhile: step aside for a moment, then reload.
          try await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 << min(attempt, 5)))))
        }
        // The state is taken out of the cache while the command runs (the stream's lock is held),
        // so that this command holds its only reference and evolving it copies nothing.
        var state: Area.State
        var version: Int64
        // Not read from the store in this attempt: cached, or guessed to be new.
        let assumed: Bool
        if attempt == 0, let (cachedState, cachedVersion) = takeCached(stream, as: Area.State.self) {
          (state, version, assumed) = (cachedState, cachedVersion, true)
        } else if attempt == 0, likelyNew {
          (state, version, assumed) = (Area.initial, 0, true)
        } else {
          switch try await load(aggregate, stream: stream, request: request) {
          case .applied(let outcome): return outcome
          case .current(let current, let currentVersion): (state, version, assumed) = (current, currentVersion, false)
          }
        }

        let context = DecisionContext(now: now(), subjectID: subjectID)
        let events: [Area.Event]
        do {
          events = try Area.decide(command, state: state, context: context)
        } catch let refusal as DomainError where assumed && !refusal.isAboutAField {
          // A refusal computed from a cached or guessed state may be stale: another server may have
          // changed the stream since, and this may be a retry of a request already applied. Decide
          // again on the stream as stored. (A malformed field is refused whatever the state.)
          switch try await load(aggregate, stream: stream, request: request) {
          case .applied(let outcome): return outcome
          case .current(let current, let currentVersion): (state, version) = (current, currentVersion)
          }
          do {
            events = try Area.decide(command, state: state, context: context)
          } catch {
            remember(stream, Snapshot(state: state, version: version))
            throw error
          }
        } catch {
          remember(stream, Snapshot(state: state, version: version))
          throw error
        }
        guard !events.isEmpty else {
          remember(stream, Snapshot(state: state, version: version))
          return Outcome(events: [], position: 0, streamVersion: version, appendedTypes: [])
        }
        let data = try events.enumerated().map { index, event in
          let (type, schemaVersion, payload) = try aggregate.codec.encode(event)
          return EventData(
            id: eventID(requestID: requestID, stream: stream, index: index), type: type,
            schemaVersion: schemaVersion, data: payload, metadata: metadata)
        }
        // A failed append may or may not be stored (a connection broken during COMMIT), and a
        // conflict means the stream moved on: either way the stream is read again next time, as
        // its state is no longer in the cache.
        guard let result = try await appendUnlessConflict(data, to: stream, expecting: version) else { continue }
        for event in events { Area.evolve(&state, event) }
        remember(stream, Snapshot(state: state, version: result.nextExpectedVersion))
        return Outcome(
          events: events, position: result.position, streamVersion: result.nextExpectedVersion,
          appendedTypes: data.map(\.type))
      }
      throw RPCError(
        code: .aborted, message: "the \(stream.category) was changed concurrently too often; retry the request")
    }
  }

  /// Reads the whole stream: the answer to the request if it was applied already, else the state.
  private func load<Area: Decider>(
    _ aggregate: Aggregate<Area>, stream: StreamName, request: RequestFingerprint
  ) async throws -> Loaded<Area.State, Area.Event> {
    let recorded = try await store.readStream(stream)
    let firstID = eventID(requestID: request.requestID, stream: stream, index: 0)
    if let start = recorded.firstIndex(where: { $0.id == firstID }) {
      try request.requireSame(asRecordedIn: recorded[start])
      return .applied(try replay(aggregate, recorded[start...], requestID: request.requestID, stream: stream))
    }
    var state = Area.initial
    for event in recorded {
      if let decoded = try aggregate.codec.decode(event) { Area.evolve(&state, decoded) }
    }
    return .current(state, version: Int64(recorded.count))
  }

  /// Appends at the expected version; `nil` when the stream moved on or the ids are taken.
  private func appendUnlessConflict(
    _ events: [EventData], to stream: StreamName, expecting version: Int64
  )
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
  private func replay<Area: Decider>(
    _ aggregate: Aggregate<Area>, _ tail: ArraySlice<RecordedEvent>, requestID: UUID, stream: StreamName
  ) throws -> Outcome<Area.Event> {
    var mine: [RecordedEvent] = []
    for (index, event) in tail.enumerated() {
      guard event.id == eventID(requestID: requestID, stream: stream, index: index) else { break }
      mine.append(event)
    }
    let events = try mine.compactMap { try aggregate.codec.decode($0) }
    let last = mine[mine.count - 1]
    return Outcome(events: events, position: last.position, streamVersion: last.version, appendedTypes: [])
  }

  private func remember(_ stream: StreamName, _ snapshot: Snapshot) {
    cache.withLock { $0.set(snapshot, for: stream) }
  }

  /// Takes the state of `stream` out of the cache (the stream's lock must be held).
  private func takeCached<State>(_ stream: StreamName, as: State.Type) -> (State, Int64)? {
    guard let snapshot = cache.withLock({ $0.removeValue(for: stream) }) else { return nil }
    return (snapshot.state as? State).map { ($0, snapshot.version) }
  }

  private func eventID(requestID: UUID, stream: StreamName, index: Int) -> UUID {
    UUID(namespace: requestID, name: "\(stream)/\(index)")
  }
}

extension DomainError {
  /// A malformed field: deciders check fields before they consult the state (``Decider``), so
  /// no state can change this refusal.
  fileprivate var isAboutAField: Bool {
    if case .invalidArgument = kind { true } else { false }
  }
}
