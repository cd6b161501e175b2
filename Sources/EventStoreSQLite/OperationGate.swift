import EventStore
import Synchronization

/// Counts the operations running on a store's connections, so that closing waits for them.
///
/// A closed SQLite handle must never be used (the driver would pass a null handle to SQLite),
/// so ``close()`` first refuses new operations, then waits for the running ones to finish.
final class OperationGate: Sendable {
  private struct State {
    var running = 0
    var closed = false
    var drained: [CheckedContinuation<Void, Never>] = []
  }

  private let state = Mutex(State())

  /// Runs `body` unless the gate is closed.
  ///
  /// - Throws: ``EventStoreError/Code/unavailable`` once the store is closing or closed.
  func run<T>(_ body: () async throws(EventStoreError) -> T) async throws(EventStoreError) -> T {
    let entered = state.withLock { state in
      if state.closed { return false }
      state.running += 1
      return true
    }
    guard entered else { throw EventStoreError(.unavailable, "the SQLite event store is closed") }
    defer { leave() }
    return try await body()
  }

  /// Refuses new operations and returns once the running ones have finished.
  ///
  /// - Returns: `true` for the first call only, which should release the resources.
  func close() async -> Bool {
    let first = state.withLock { state in
      defer { state.closed = true }
      return !state.closed
    }
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let idle = state.withLock { state in
        if state.running == 0 { return true }
        state.drained.append(continuation)
        return false
      }
      if idle { continuation.resume() }
    }
    return first
  }

  private func leave() {
    let drained = state.withLock { state in
      state.running -= 1
      guard state.closed, state.running == 0 else { return [CheckedContinuation<Void, Never>]() }
      defer { state.drained.removeAll() }
      return state.drained
    }
    for continuation in drained { continuation.resume() }
  }
}
