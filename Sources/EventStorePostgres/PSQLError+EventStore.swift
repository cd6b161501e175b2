import EventStore
import PostgresNIO

extension EventStoreError {
  /// The event store error for a failure of PostgresNIO, decided by SQLSTATE, constraint name or
  /// PostgresNIO's error code, never by message text. The driver's own report goes only into
  /// `detail`, for logs.
  init(postgres error: any Error, stream: StreamName? = nil) {
    switch error {
    case let error as EventStoreError:
      self = error
    case let error as PSQLError:
      self.init(error.eventStoreCode, String(reflecting: error), stream: stream)
    case is PostgresDecodingError:
      self.init(.corrupted, String(reflecting: error), stream: stream)
    default:
      self.init(.storage, String(reflecting: error), stream: stream)
    }
  }
}

extension PSQLError {
  /// SQLSTATEs after which a retry later may succeed: the server going away or refusing
  /// connections (admin or crash shutdown, cannot connect now, too many connections), out of
  /// resources (disk full, out of memory), and our own limits (a lock not obtained within
  /// `lock_timeout`, a statement cancelled by `statement_timeout`, a transaction ended by
  /// `idle_in_transaction_session_timeout`).
  private static let unavailableStates: Set<String> = [
    "57P01", "57P02", "57P03", "53300", "53100", "53200", "55P03", "57014", "25P03",
  ]

  var sqlState: String? { serverInfo?[.sqlState] }

  var eventStoreCode: EventStoreError.Code {
    switch code {
    case .server:
      guard let state = sqlState else { return .storage }
      switch state {
      case "23505" where serverInfo?[.constraintName] == PostgresMigrations.uniqueEventID:
        return .duplicateEventID
      case "23505" where serverInfo?[.constraintName] == PostgresMigrations.uniqueStreamVersion:
        return .wrongExpectedVersion
      case PostgresMigrations.appendOnlySQLState:
        return .appendOnly
      case _ where state.hasPrefix("08") || Self.unavailableStates.contains(state):
        return .unavailable
      default:
        return .storage
      }
    case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
      return .unavailable
    default:
      return .storage
    }
  }

  /// Whether the connection broke, so that the server may or may not have run what was sent.
  var isConnectionLoss: Bool {
    switch code {
    case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown: true
    default: false
    }
  }
}
