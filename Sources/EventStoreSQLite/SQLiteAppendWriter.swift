import EventStore
import Logging
import SQLiteNIO

/// Commits batches of appends through the store's one writer connection (group commit).
///
/// A batch is one `BEGIN IMMEDIATE … COMMIT`: one lock and one disk flush for many appends.
/// Each append in it is decided on its own, so a stale expected version or a reused id fails
/// that append only. A database failure in the middle of a batch would leave the transaction
/// holding part of some append, so the whole batch is rolled back and every append is then
/// committed in a transaction of its own: one bad append cannot fail the others.
struct SQLiteAppendWriter: Sendable {
  let connection: SQLiteConnection
  let appends: AppendSignal
  let logger: Logger

  /// The ``GroupCommitter`` closure: one result per append, in order.
  func commit(_ batch: [PendingAppend]) async -> [Result<AppendResult, EventStoreError>] {
    do throws(EventStoreError) {
      // Nothing was attempted yet, so a failure to start (the file is locked, unreachable)
      // is every append's answer: retrying each alone would only wait again.
      try await connection.execute("BEGIN IMMEDIATE", while: "starting a group commit")
    } catch {
      return batch.map { append in .failure(error.about(append.stream)) }
    }
    do throws(EventStoreError) {
      var results: [Result<AppendResult, EventStoreError>] = []
      var committed: [CommittedEvents] = []
      var head = try await head()
      for append in batch {
        let (result, events) = try await write(append, after: head)
        results.append(result)
        if let events { committed.append(events) }
        // What an append wrote is the log's new head; a retry's position is an older one.
        if case .success(let written) = result { head = max(head, written.position) }
      }
      try await connection.execute("COMMIT", while: "committing a group of \(batch.count) appends")
      appends.notify(committed: committed)
      return results
    } catch {
      await connection.rollback()
      guard batch.count > 1 else { return batch.map { .failure(error.about($0.stream)) } }
      logger.warning(
        "group commit failed; committing its appends one by one",
        metadata: ["appends": "\(batch.count)", "error": "\(String(reflecting: error))"])
      var results: [Result<AppendResult, EventStoreError>] = []
      for append in batch {
        results.append(await commitAlone(append))
      }
      return results
    }
  }

  /// One append in a transaction of its own.
  private func commitAlone(_ append: PendingAppend) async -> Result<AppendResult, EventStoreError> {
    do throws(EventStoreError) {
      let (result, events) = try await connection.transaction(while: "appending", stream: append.stream) {
        () async throws(EventStoreError) in try await write(append, after: try await head())
      }
      appends.notify(committed: events.map { [$0] } ?? [])
      return result
    } catch {
      return .failure(error)
    }
  }

  /// Decides and writes one append inside the open transaction, the log's head being `head`.
  ///
  /// - Returns: the append's answer: its result, or the rule it broke (nothing written then);
  ///   and the events it wrote.
  /// - Throws: a database failure, which spoils the whole transaction.
  private func write(
    _ append: PendingAppend, after head: Int64
  ) async throws(EventStoreError) -> (Result<AppendResult, EventStoreError>, CommittedEvents?) {
    let stream = append.stream
    let stored = try await storedEvents(withIDsOf: append.events, stream: stream)
    do throws(EventStoreError) {
      if let original = try AppendRules.retryResult(of: append.events, to: stream, stored: stored) {
        return (.success(original), nil)
      }
    } catch {
      return (.failure(error), nil)
    }
    let current = try await currentVersion(of: stream)
    guard append.expected.accepts(currentVersion: current) else {
      return (.failure(.wrongExpectedVersion(stream, expected: append.expected, actual: current)), nil)
    }
    let (positions, recordedAt) = try await insert(append.events, into: stream, after: current)
    let result = AppendResult(
      nextExpectedVersion: current + Int64(append.events.count), position: positions[positions.count - 1])
    return (
      .success(result),
      append.committed(after: head, positions: positions, firstVersion: current + 1, recordedAt: recordedAt)
    )
  }
}
