import EventStore
import SQLiteNIO

extension EventStoreError {
  /// Wraps a failure of the SQLite driver; `action` says what the store was doing, for operators.
  init(sqlite error: any Error, while action: String, stream: StreamName? = nil) {
    if let error = error as? SQLiteError {
      self.init(error.eventStoreCode, "\(action): \(error)", stream: stream)
    } else {
      self.init(.storage, "\(action): \(error)", stream: stream)
    }
  }

  /// The same error, naming `stream` as the one concerned.
  func about(_ stream: StreamName) -> EventStoreError {
    var error = self
    error.stream = stream
    return error
  }
}
