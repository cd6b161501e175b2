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

/// Groups concurrent appends into one database transaction (group commit).
///
/// Appends that arrive while a batch is being committed wait and go together into the next
/// batch, so under load one transaction (and one disk flush) carries many appends. The
/// store's `commit` closure decides each append on its own: one stream's conflict fails only
/// that append, never its neighbours in the batch.
public actor GroupCommitter {
  public typealias Commit = @Sendable ([PendingAppend]) async -> [Result<AppendResult, EventStoreError>]

  private struct Waiting {
    var append: PendingAppend
    var continuation: CheckedContinuation<AppendResult, any Error>
  }

  private let maximumBatch: Int
  private let maximumBatchBytes: Int
  private let commit: Commit
  private var queue: [Waiting] = []
  private var flushing = false

  /// - Parameters:
  ///   - maximumBatch: the most appends in one transaction.
  ///   - maximumBatchBytes: the most payload bytes in one transaction (an append larger than
  ///     this still goes, alone).
  ///   - commit: writes a batch in one transaction and returns one result per append, in order.
  public init(maximumBatch: Int = 256, maximumBatchBytes: Int = 16 << 20, commit: @escaping Commit) {
    self.maximumBatch = maximumBatch
    self.maximumBatchBytes = maximumBatchBytes
    self.commit = commit
  }

  public func submit(_ append: PendingAppend) async throws(EventStoreError) -> AppendResult {
    do {
      return try await withCheckedThrowingContinuation { continuation in
        queue.append(Waiting(append: append, continuation: continuation))
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
      let results = await commit(batch.map(\.append))
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
      let size = waiting.append.events.reduce(0) { $0 + $1.data.count + $1.metadata.count }
      if count > 0 && bytes + size > maximumBatchBytes { break }
      count += 1
      bytes += size
    }
    defer { queue.removeFirst(count) }
    return Array(queue.prefix(count))
  }
}
