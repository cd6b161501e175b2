import Synchronization

/// A broadcast "something was appended" signal with a generation counter.
///
/// A reader notes the generation before it reads; if nothing new came, it waits for a later
/// generation or a timeout (which covers appends made by other processes).
public final class AppendSignal: Sendable {
  private struct State {
    var generation: UInt64 = 0
    var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    var nextWaiter: UInt64 = 0
  }

  private let state = Mutex(State())

  public init() {}

  /// The current generation: pass it to ``wait(after:timeout:)``.
  public var generation: UInt64 { state.withLock { $0.generation } }

  /// Wakes every waiter.
  public func notify() {
    let waiters = state.withLock { state in
      state.generation &+= 1
      defer { state.waiters.removeAll() }
      return Array(state.waiters.values)
    }
    for waiter in waiters { waiter.resume() }
  }

  /// Returns once the generation has moved past `generation`, after `timeout`, or on cancellation.
  public func wait(after generation: UInt64, timeout: Duration) async {
    let id = state.withLock { state -> UInt64 in
      state.nextWaiter &+= 1
      return state.nextWaiter
    }
    let timer = Task {
      try? await Task.sleep(for: timeout)
      resume(id)
    }
    defer { timer.cancel() }
    await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let resumeNow = state.withLock { state -> Bool in
          if state.generation != generation || Task.isCancelled { return true }
          state.waiters[id] = continuation
          return false
        }
        if resumeNow { continuation.resume() }
      }
    } onCancel: {
      resume(id)
    }
  }

  private func resume(_ id: UInt64) {
    let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
    waiter?.resume()
  }
}
