import EventStoreTesting
import Testing

@Suite("PostgreSQL event store: contract", .enabled(if: TestDatabase.enabled, TestDatabase.skipReason))
struct PostgresContractTests {
  static let factory = PostgresStoreFactory()

  @Test("contract", arguments: EventStoreContract.cases)
  func contract(_ check: EventStoreContract.Case) async throws {
    try await check.run(Self.factory)
  }

  @Test("key store contract", arguments: KeyStoreContract.cases)
  func keys(_ check: KeyStoreContract.Case) async throws {
    try await check.run(Self.factory)
  }
}
