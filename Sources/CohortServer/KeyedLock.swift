/// A lock per key: callers holding the same key run one at a time, in arrival order; different
/// keys never wait for each other.
///
/// Commands on one stream take its lock, so within one server they never conflict with each
/// other; only another server on the same database can still make them retry.
actor KeyedLock<Key: Hashable & Sendable> {
  /// The waiters of each held key; a key is held while it has an entry.
  private var queues: [Key: [CheckedContinuation<Void, Never>]] = [:]

  nonisolated func withLock<T: Sendable>(_ key: Key, _ body: () async throws -> T) async throws -> T {
    await lock(key)
    do {
      let result = try await body()
      await unlock(key)
      return result
    } catch {
      await unlock(key)
      throw error
    }
  }

  private func lock(_ key: Key) async {
    guard queues[key] != nil else {
      queues[key] = []
      return
    }
    await withCheckedContinuation { queues[key, default: []].append($0) }
  }

  private func unlock(_ key: Key) {
    guard var waiting = queues[key], !waiting.isEmpty else {
      queues[key] = nil
      return
    }
    let next = waiting.removeFirst()
    queues[key] = waiting
    next.resume()
  }
}
