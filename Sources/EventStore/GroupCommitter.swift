import Foundation

/// One append waiting to be committed in a group.
public struct PendingAppend: Sendable {
  public var stream: StreamName
  public var expected: ExpectedVersion
  public var events: [EventData]

  public init(stream: StreamName, expected: ExpectedVersion, events: [EventData]) {
    self.stream = stream
    self.expected = expected
    self.events = events
  }
}

/// Something a ``GroupCommitter`` batches: it knows how many payload bytes it adds to a batch.
public protocol GroupCommitItem: Sendable {
  var payloadBytes: Int { get }
}

extension PendingAppend: GroupCommitItem {
  public var payloadBytes: Int { events.reduce(0) { $0 + $1.data.count + $1.metadata.count } }
}

/// Groups concurrent appends into one database transaction (group commit).
///
/// Appends that arrive while a batch is being committed wait and go together into the next
/// batch, so under load one transaction (and one disk flush) carries many appends. The
/// store's `commit` closure decides each append on its own: one stream's conflict fails only
/// that append, never its neighbours in the batch.
///
/// A store may batch other writes with its appends (`Item`, answered with an `Output` each):
/// PostgreSQL's creates personal-data keys in the appends' transaction.
public actor GroupCommitter<Item: GroupCommitItem, Output: Sendable> {
  public typealias Commit = @Sendable ([Item]) async -> [Result<Output, EventStoreError>]

  private struct Waiting {
    var item: Item
    var continuation: CheckedContinuation<Output, any Error>
  }

  private let maximumBatch: Int
  private let maximumBatchBytes: Int
  private let commit: Commit
  private var queue: [Waiting] = []
  private var flushing = false

  /// - Parameters:
  ///   - maximumBatch: the most items in one transaction.
  ///   - maximumBatchBytes: the most payload bytes in one transaction (an append larger than
  ///     this still goes, alone).
  ///   - commit: writes a batch in one transaction and returns one result per item, in order.
  public init(maximumBatch: Int = 256, maximumBatchBytes: Int = 16 << 20, commit: @escaping Commit) {
    self.maximumBatch = maximumBatch
    self.maximumBatchBytes = maximumBatchBytes
    self.commit = commit
  }

  public func submit(_ item: Item) async throws(EventStoreError) -> Output {
    do {
      return try await withCheckedThrowingContinuation { continuation in
        queue.append(Waiting(item: item, continuation: continuation))
        if !flushing {
          flushing = true
          Task { await self.flush() }
        }
      }
    } catch let error as EventStoreError {
      throw error
    } catch {
      throw EventStoreError(.storage, "\(error)")
    }
  }

  private func flush() async {
    while !queue.isEmpty {
      let batch = takeBatch()
      let results = await commit(batch.map(\.item))
      for (index, waiting) in batch.enumerated() {
        if index < results.count {
          waiting.continuation.resume(with: results[index].mapError { $0 as any Error })
        } else {
          waiting.continuation.resume(throwing: EventStoreError(.storage, "group commit returned too few results"))
        }
      }
    }
    flushing = false
  }

  /// The appends at the head of the queue that fit in one transaction (always at least one).
  private func takeBatch() -> [Waiting] {
    var count = 0
    var bytes = 0
    for waiting in queue.prefix(maximumBatch) {
      let size = waiting.item.payloadBytes
      if count > 0 && bytes + size > maximumBatchBytes { break }
      count += 1
      bytes += size
    }
    defer { queue.removeFirst(count) }
    return Array(queue.prefix(count))
  }
}

extension PendingAppend {
  /// What the log holds of this append once written with `positions` (one per event, rising),
  /// `after` the log's head, from version `firstVersion` at `recordedAt`; `nil` if the positions
  /// do not fit the events.
  public func committed(
    after: Int64, positions: [Int64], firstVersion: Int64, recordedAt: Date
  ) -> CommittedEvents? {
    guard positions.count == events.count else { return nil }
    let recorded = zip(events, positions).enumerated().map { offset, pair in
      RecordedEvent(
        id: pair.0.id, stream: stream, version: firstVersion + Int64(offset), position: pair.1, type: pair.0.type,
        schemaVersion: pair.0.schemaVersion, data: pair.0.data, metadata: pair.0.metadata, recordedAt: recordedAt)
    }
    return CommittedEvents(after: after, events: recorded)
  }
}
