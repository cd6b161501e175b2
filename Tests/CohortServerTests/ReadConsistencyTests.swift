import CohortAPI
import EventStore
import Foundation
import GRPCCore
import Logging
import Projections
import Testing

@testable import CohortServer

@Suite("Waiting for a position")
struct ReadConsistencyTests {
  /// The smallest read model: how many events it has folded.
  struct Count: Projection {
    var events = 0
    mutating func apply(_ event: RecordedEvent) throws { events += 1 }
  }

  static func code(_ body: () async throws -> Void) async -> RPCError.Code? {
    do {
      try await body()
      return nil
    } catch let error as RPCError {
      return error.code
    } catch {
      return .unknown
    }
  }

  @Test("beyond the log's head is OUT_OF_RANGE at once; past the cap RESOURCE_EXHAUSTED; within both it waits")
  func bounds() async throws {
    let store = InMemoryEventStore()
    let stream = StreamName(tenantID: UUID(), category: "cohort", id: UUID())
    for _ in 0..<3 {
      _ = try await store.append([EventData(id: UUID(), type: "Counted", data: Data())], to: stream, expecting: .any)
    }
    // Not running yet: the model is at 0 while the log's head is 3.
    let runner = ProjectionRunner(store: store, initial: Count(), logger: Logger(label: "test"))
    let reads = ReadConsistency(limit: .seconds(60), maximumWaiting: 2)
    let wait = { @Sendable (position: Int64) async -> RPCError.Code? in
      await Self.code { try await reads.wait(for: .with { $0.minPosition = position }, in: runner) }
    }

    // No command returned position 4: waiting for it could only time out.
    let beyond = try await #require(throws: RPCError.self) {
      try await reads.wait(for: .with { $0.minPosition = 4 }, in: runner)
    }
    #expect(beyond.code == .outOfRange && beyond.message.contains("head (3)"), "\(beyond)")

    // Two queries wait for position 3, which the log has; a third is refused instead of parked.
    async let first = wait(3)
    async let second = wait(2)
    while reads.waiting.inUse < 2 { try await Task.sleep(for: .milliseconds(5)) }
    #expect(await wait(3) == .resourceExhausted)

    // The model folds the log: the two waiting are answered, and the count is back to zero.
    let running = Task { try await runner.run() }
    #expect(await first == nil)
    #expect(await second == nil)
    #expect(reads.waiting.inUse == 0)
    #expect(await wait(3) == nil)
    running.cancel()
  }
}
