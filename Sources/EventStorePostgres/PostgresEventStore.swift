import EventStore
import Logging
import PostgresNIO

/// The production event store: the log in one PostgreSQL table, `events`.
///
/// Call ``run()`` in a long-running task (it drives the connection pool), then ``migrate()``
/// once before the first read or append.
///
/// ## Why positions can be trusted
///
/// An identity column hands out positions when rows are inserted, not when they commit: with
/// two writers, the one holding position 11 may commit before the one holding 10, and a reader
/// that saw 11 would continue after it and never see 10. So every append transaction starts by
/// taking one transaction-scoped advisory lock (`pg_advisory_xact_lock`, see
/// ``AppendWriter/appendLock``). Positions are therefore drawn and committed in one order across
/// all processes and servers on the database, and PostgreSQL releases the lock only after the
/// commit is visible, so a later writer's events can never become visible before an earlier
/// writer's. Readers take no lock. The lock makes appends sequential, which group commit
/// (``GroupCommitter``) makes cheap: one transaction, one lock and one disk flush carry every
/// append that arrived meanwhile.
public final class PostgresEventStore: EventStore {
  public let appends = AppendSignal()
  let client: PostgresClient
  let connections: Connections
  let logger: Logger
  let committer: GroupCommitter<PostgresWrite, PostgresWritten>

  /// A store that connects lazily; nothing happens until ``run()`` runs.
  public init(configuration: Configuration, logger: Logger) {
    let client = PostgresClient(configuration: configuration.client, backgroundLogger: logger)
    let connections = Connections(
      client: client, wait: configuration.connectionWait, outageWait: configuration.outageWait, logger: logger,
      diagnose: { await Self.diagnose(configuration, logger: logger) })
    let writer = AppendWriter(connections: connections, logger: logger, signal: appends)
    self.client = client
    self.connections = connections
    self.logger = logger
    self.committer = GroupCommitter { batch in await writer.commit(batch) }
  }

  /// Why a connection to the database fails now, as PostgreSQL or TLS says it (for example a
  /// certificate that does not name the host), from one connection made outside the pool.
  static func diagnose(_ configuration: Configuration, logger: Logger) async -> String {
    do {
      let connection = try await PostgresConnection.connect(
        configuration: try configuration.singleConnection(), id: 0, logger: logger)
      try? await connection.close()
      return "a connection outside the pool succeeded, so the pool's connections are all busy"
    } catch {
      return String(reflecting: error)
    }
  }

  /// Runs the connection pool until the calling task is cancelled (or, inside a
  /// swift-service-lifecycle `ServiceGroup`, until graceful shutdown). Call it once per store;
  /// after it returns, every operation fails with `unavailable`.
  public func run() async throws {
    await client.run()
  }

  public func append(
    _ events: [EventData], to stream: StreamName, expecting expected: ExpectedVersion
  )
    async throws(EventStoreError) -> AppendResult
  {
    try AppendRules.validate(events, to: stream)
    let written = try await committer.submit(.append(PendingAppend(stream: stream, expected: expected, events: events)))
    guard case .appended(let result) = written else {
      throw EventStoreError(.storage, "an append was answered as a key", stream: stream)
    }
    return result
  }
}
