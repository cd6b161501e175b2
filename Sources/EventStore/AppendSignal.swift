import Synchronization

/// A broadcast "something was appended" signal with a generation counter, holding what this
/// process's latest appends committed.
///
/// A reader notes the generation before it reads; if nothing new came, it waits for a later
/// generation or a timeout (which covers appends made by other processes). A reader at the log
/// position a recent append followed takes that append's events from here rather than reading
/// back what was just written (``committed(after:limit:)``).
public final class AppendSignal: Sendable {
  private struct State {
    var generation: UInt64 = 0
    var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    var nextWaiter: UInt64 = 0
    /// The recent runs by the position they follow, and those positions oldest first.
    var recent: [Int64: CommittedEvents] = [:]
    var order: [Int64] = []
    var recentEvents = 0
  }

  private let state = Mutex(State())
  /// How many of the latest events committed are kept for readers (those of older appends go).
  private let keeping: Int

  public init(keeping: Int = 4_096) {
    self.keeping = keeping
  }

  /// The current generation: pass it to ``wait(after:timeout:)``.
  public var generation: UInt64 { state.withLock { $0.generation } }

  /// Wakes every waiter; `committed` are the events the appends that caused it committed (none
  /// when it only asks readers to look for other processes' appends).
  public func notify(committed: [CommittedEvents] = []) {
    let waiters = state.withLock { state in
      for run in committed {
        if let replaced = state.recent.updateValue(run, forKey: run.after) {
          state.recentEvents -= replaced.events.count
        } else {
          state.order.append(run.after)
        }
        state.recentEvents += run.events.count
      }
      while state.recentEvents > keeping, !state.order.isEmpty {
        let gone = state.recent.removeValue(forKey: state.order.removeFirst())
        state.recentEvents -= gone?.events.count ?? 0
      }
      state.generation &+= 1
      defer { state.waiters.removeAll() }
      return Array(state.waiters.values)
    }
    for waiter in waiters { waiter.resume() }
  }

  /// The events that follow `position` in the log, at most `limit`, from the appends of this
  /// process that committed them one after the other from there; empty when the latest kept do
  /// not start right after `position` (read the log then).
  public func committed(after position: Int64, limit: Int) -> [RecordedEvent] {
    state.withLock { state in
      var events: [RecordedEvent] = []
      var at = position
      while events.count < limit, let run = state.recent[at] {
        events += run.events.prefix(limit - events.count)
        at = run.events[run.events.count - 1].position
      }
      return events
    }
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

/// The events one append committed, and the log position they follow: no event of the log lies
/// between `after` and the first of them, nor between any two of them (a store knows this
/// while it holds the lock that orders appends).
public struct CommittedEvents: Sendable {
  public let after: Int64
  public let events: [RecordedEvent]

  /// `nil` unless `events` are some, in rising positions after `after`.
  public init?(after: Int64, events: [RecordedEvent]) {
    guard let first = events.first, first.position > after,
      zip(events, events.dropFirst()).allSatisfy({ $0.position < $1.position })
    else { return nil }
    self.after = after
    self.events = events
  }
}
