import EventStore
import EventStoreTesting
import Testing

/// The in-memory store keeps everything in one object, so "reopening" returns the same one.
struct InMemoryFactory: EventStoreFactory {
  let store = InMemoryEventStore()
  func open() async throws -> any EventStore { store }
  func close(_ store: any EventStore) async throws {}
}

@Suite("In-memory event store")
struct InMemoryEventStoreTests {
  static let factory = InMemoryFactory()

  @Test("contract", arguments: EventStoreContract.cases)
  func contract(_ check: EventStoreContract.Case) async throws {
    try await check.run(Self.factory)
  }
}
