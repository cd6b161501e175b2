import CohortAPI
import CohortDomain
import EventStore
import Foundation
import GRPCCore
import Synchronization
import Testing

@testable import CohortServer

/// The command pipeline's paths without TLS or a network: refusal, replay of a request id, a
/// stream changed by another writer (reload and decide again), conflicts until ABORTED, and the
/// cache dropped after an append error.
@Suite("Command pipeline")
struct CommandHandlerTests {
  static let tenantID = UUID()
  static let principal = Principal(tenantID: tenantID, role: .owner, tokenID: UUID(), label: "owner")
  static let cohortID = CohortStreams.cohortID(tenantID: tenantID, number: 9)
  static let stream = CohortStreams.stream(tenantID: tenantID, cohortID: cohortID)
  static let schedule = EnrollmentCommand.schedule(
    ScheduleCohort(
      number: 9, title: "AI 활용 부트캠프 9기", price: try! Money(amountMinor: 200_000, currency: .krw), capacity: 2,
      startsOn: try! CalendarDate(iso: "2027-03-01"), endsOn: try! CalendarDate(iso: "2027-04-30")))

  /// Enrollment as the server stores it (no member's key is needed: these commands enroll nobody).
  static let aggregate = Aggregate<Enrollment>(codec: Codecs(keys: KeyRing(store: InMemoryKeyStore())).enrollment)

  static func request(
    _ id: UUID = UUID(), _ message: Cohort_V1_CohortCommandRequest = .init()
  ) throws -> RequestFingerprint {
    try RequestFingerprint(requestID: id, method: "Test", request: message)
  }

  func run(
    _ handler: CommandHandler, _ command: EnrollmentCommand, request: RequestFingerprint? = nil,
    likelyNew: Bool = false
  ) async throws -> CommandHandler.Outcome<EnrollmentEvent> {
    try await handler.handle(
      command, on: Self.aggregate, stream: Self.stream, subjectID: Self.cohortID,
      request: try request ?? Self.request(), principal: Self.principal, likelyNew: likelyNew)
  }

  @Test("a refused command appends nothing and says why")
  func refusal() async throws {
    let store = FaultyStore()
    let handler = CommandHandler(store: store, now: { Date() })
    await #expect(throws: DomainError.self) { try await run(handler, .openEnrollment) }
    #expect(try await store.headPosition() == 0)
  }

  @Test("a retry with the same request id gets the first answer and appends nothing")
  func replay() async throws {
    let store = FaultyStore()
    let handler = CommandHandler(store: store, now: { Date() })
    let request = try Self.request()
    let first = try await run(handler, Self.schedule, request: request)
    // A second server (no cache) sees the retry.
    let again = try await run(CommandHandler(store: store, now: { Date() }), Self.schedule, request: request)
    #expect(again.position == first.position && again.events == first.events && again.appendedTypes.isEmpty)
    #expect(try await store.headPosition() == 1)
  }

  @Test("the same request id for a different request is refused")
  func reusedRequestID() async throws {
    let store = FaultyStore()
    let id = UUID()
    _ = try await run(CommandHandler(store: store, now: { Date() }), Self.schedule, request: try Self.request(id))
    let other = try Self.request(id, .with { $0.cohortNumber = 10 })
    let error = await #expect(throws: RPCError.self) {
      try await run(CommandHandler(store: store, now: { Date() }), Self.schedule, request: other)
    }
    #expect(error?.code == .alreadyExists)
  }

  @Test("a stream changed by another writer is reloaded and the command decided again")
  func conflictThenRetry() async throws {
    let store = FaultyStore()
    let handler = CommandHandler(store: store, now: { Date() })
    _ = try await run(handler, Self.schedule)
    // Another server opens enrollment: this handler's cached state is now one version behind.
    _ = try await run(CommandHandler(store: store, now: { Date() }), .openEnrollment)
    let closed = try await run(handler, .closeEnrollment)
    #expect(closed.streamVersion == 3)
  }

  @Test("conflicts on every attempt end in ABORTED, with nothing appended")
  func conflictsUntilAborted() async throws {
    let store = FaultyStore()
    let handler = CommandHandler(store: store, now: { Date() })
    _ = try await run(handler, Self.schedule)
    store.failAppends(with: EventStoreError(.wrongExpectedVersion, "another writer"), times: .max)
    let error = await #expect(throws: RPCError.self) { try await run(handler, .openEnrollment) }
    #expect(error?.code == .aborted)
    #expect(try await store.headPosition() == 1)
  }

  @Test("a refusal of a malformed field is answered from the cache, without reading the stream again")
  func fieldRefusalFromCache() async throws {
    let store = FaultyStore()
    let handler = CommandHandler(store: store, now: { Date() })
    _ = try await run(handler, Self.schedule)
    let reads = store.streamReads
    let malformed = EnrollmentCommand.enroll(Enroll(memberID: UUID(), name: "김민지", email: "not an address"))
    let error = await #expect(throws: DomainError.self) { try await run(handler, malformed) }
    #expect(error?.kind == .invalidArgument(field: "email"))
    #expect(store.streamReads == reads)
  }

  @Test("a stream guessed new is not read when the guess is right")
  func likelyNewRight() async throws {
    let store = FaultyStore()
    let scheduled = try await run(CommandHandler(store: store, now: { Date() }), Self.schedule, likelyNew: true)
    #expect(scheduled.streamVersion == 1 && store.streamReads == 0)
  }

  @Test("a stream wrongly guessed new is read and the command decided on what it holds")
  func likelyNewWrong() async throws {
    let store = FaultyStore()
    let request = try Self.request()
    let first = try await run(CommandHandler(store: store, now: { Date() }), Self.schedule, request: request)
    _ = try await run(CommandHandler(store: store, now: { Date() }), .openEnrollment)
    // Decided on the initial state, scheduling again would be accepted; the stream says it is a retry.
    let retry = try await run(
      CommandHandler(store: store, now: { Date() }), Self.schedule, request: request, likelyNew: true)
    #expect(retry.position == first.position && retry.appendedTypes.isEmpty)
    // On the initial state closing enrollment is refused (nothing is scheduled); on the stream it is not.
    let closed = try await run(CommandHandler(store: store, now: { Date() }), .closeEnrollment, likelyNew: true)
    #expect(closed.streamVersion == 3)
    let refused = await #expect(throws: DomainError.self) {
      try await run(CommandHandler(store: store, now: { Date() }), .closeEnrollment, likelyNew: true)
    }
    #expect(refused != nil && store.streamReads > 0)
    #expect(try await store.headPosition() == 3)
  }

  @Test("after an append error the cached state is dropped: the next command reads the stream")
  func errorDropsCache() async throws {
    let store = FaultyStore()
    let handler = CommandHandler(store: store, now: { Date() })
    _ = try await run(handler, Self.schedule)
    store.failAppends(with: EventStoreError(.unavailable, "the connection broke during COMMIT"), times: 1)
    await #expect(throws: EventStoreError.self) { try await run(handler, .openEnrollment) }
    let reads = store.streamReads
    _ = try await run(handler, .openEnrollment)
    #expect(store.streamReads > reads)
  }
}

/// An in-memory store that can fail the next appends, and counts stream reads.
final class FaultyStore: EventStore {
  private let inner = InMemoryEventStore()
  private let state = Mutex<(failure: EventStoreError?, times: Int, reads: Int)>((nil, 0, 0))

  var appends: AppendSignal { inner.appends }
  var streamReads: Int { state.withLock { $0.reads } }

  func failAppends(with error: EventStoreError, times: Int) {
    state.withLock { $0 = (error, times, $0.reads) }
  }

  func append(
    _ events: [EventData], to stream: StreamName, expecting expected: ExpectedVersion
  )
    async throws(EventStoreError) -> AppendResult
  {
    let failure = state.withLock { state -> EventStoreError? in
      guard let failure = state.failure, state.times > 0 else { return nil }
      state.times -= 1
      return failure
    }
    if let failure { throw failure }
    return try await inner.append(events, to: stream, expecting: expected)
  }

  func read(
    _ stream: StreamName, from version: Int64, direction: ReadDirection, limit: Int
  )
    async throws(EventStoreError) -> [RecordedEvent]
  {
    state.withLock { $0.reads += 1 }
    return try await inner.read(stream, from: version, direction: direction, limit: limit)
  }

  func readAll(after position: Int64, limit: Int) async throws(EventStoreError) -> [RecordedEvent] {
    try await inner.readAll(after: position, limit: limit)
  }

  func headPosition() async throws(EventStoreError) -> Int64 { try await inner.headPosition() }
}
