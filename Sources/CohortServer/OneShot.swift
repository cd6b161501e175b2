import Synchronization

/// A value that is set once and awaited by any number of readers (the bound port, readiness).
final class OneShot<Value: Sendable>: Sendable {
  private enum State {
    case waiting([CheckedContinuation<Value, any Error>])
    case done(Result<Value, any Error>)
  }

  private let state = Mutex(State.waiting([]))

  init() {}

  func set(_ result: Result<Value, any Error>) {
    let waiters = state.withLock { state -> [CheckedContinuation<Value, any Error>] in
      guard case .waiting(let waiters) = state else { return [] }
      state = .done(result)
      return waiters
    }
    for waiter in waiters { waiter.resume(with: result) }
  }

  var value: Value {
    get async throws {
      try await withCheckedThrowingContinuation { continuation in
        let result = state.withLock { state -> Result<Value, any Error>? in
          switch state {
          case .waiting(let waiters):
            state = .waiting(waiters + [continuation])
            return nil
          case .done(let result):
            return result
          }
        }
        if let result { continuation.resume(with: result) }
      }
    }
  }
}
