/// A lock per key: callers holding the same key run one at a time, in arrival order; different
/// keys never wait for each other.
///
/// Commands on one stream take its lock, so within one server they never conflict with each
/// other; only another server on the same database can still make them retry. A caller whose
/// task is cancelled while it waits (its client gave up) leaves the queue with a
/// `CancellationError`, so abandoned commands do not pile up behind a slow one.
actor KeyedLock<Key: Hashable & Sendable> {
  private struct Waiter {
    var id: UInt64
    var continuation: CheckedContinuation<Void, any Error>
  }

  /// The waiters of each held key; a key is held while it has an entry.
  private var queues: [Key: [Waiter]] = [:]
  private var lastID: UInt64 = 0

  nonisolated func withLock<T: Sendable>(_ key: Key, _ body: () async throws -> T) async throws -> T {
    try await lock(key)
    do {
      let result = try await body()
      await unlock(key)
      return result
    } catch {
      await unlock(key)
      throw error
    }
  }

  private func lock(_ key: Key) async throws {
    guard queues[key] != nil else {
      queues[key] = []
      return
    }
    lastID += 1
    let id = lastID
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        // Runs on the actor before `cancel` can: a cancellation that came first is seen here.
        if Task.isCancelled {
          continuation.resume(throwing: CancellationError())
        } else {
          queues[key, default: []].append(Waiter(id: id, continuation: continuation))
        }
      }
    } onCancel: {
      Task { await self.cancel(id, key: key) }
    }
  }

  /// Removes a waiter that has not been given the lock yet.
  private func cancel(_ id: UInt64, key: Key) {
    guard let index = queues[key]?.firstIndex(where: { $0.id == id }) else { return }
    queues[key]?.remove(at: index).continuation.resume(throwing: CancellationError())
  }

  private func unlock(_ key: Key) {
    guard var waiting = queues[key], !waiting.isEmpty else {
      queues[key] = nil
      return
    }
    let next = waiting.removeFirst()
    queues[key] = waiting
    next.continuation.resume()
  }
}
