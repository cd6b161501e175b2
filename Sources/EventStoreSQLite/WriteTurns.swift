import Synchronization

/// Turns at SQLite's write lock for this process's own connections, first come first served.
///
/// The writer and the keys connection both write the one file. Left to SQLite, a connection
/// that finds the lock taken sleeps in its busy handler and retries (the built-in handler of
/// this build sleeps in whole seconds), so concurrent key creations and group commits queue
/// behind each other for seconds and time out. Taking turns here first means the lock is free
/// whenever one of our connections asks; SQLite's busy timeout still arbitrates with other
/// processes.
final class WriteTurns: Sendable {
  private struct State {
    var busy = false
    var waiting: [CheckedContinuation<Void, Never>] = []
  }

  private let state = Mutex(State())

  func run<Result, Failure: Error>(_ body: () async throws(Failure) -> Result) async throws(Failure) -> Result {
    await acquire()
    defer { release() }
    return try await body()
  }

  private func acquire() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let granted = state.withLock { state in
        if state.busy {
          state.waiting.append(continuation)
          return false
        }
        state.busy = true
        return true
      }
      if granted { continuation.resume() }
    }
  }

  private func release() {
    let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
      guard !state.waiting.isEmpty else {
        state.busy = false
        return nil
      }
      return state.waiting.removeFirst()
    }
    next?.resume()
  }
}
