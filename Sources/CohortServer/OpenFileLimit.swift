#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Every connection costs cohortd a file descriptor, so the process's limit on open files must
/// leave room for `maximumConnections` and the rest (the database, the SQLite files, webhooks,
/// TLS files). Many systems start a process with a soft limit of 1,024, below the cap: the
/// 1,025th descriptor would then fail accepts and database connections alike.
enum OpenFileLimit {
  /// Descriptors cohortd needs besides its gRPC connections.
  static let reserve: UInt64 = 256

  /// Raises the soft limit to the hard limit (which a process may do without privileges) and
  /// returns both as they are afterwards; `nil` when the limits cannot be read.
  @discardableResult
  static func raise() -> (soft: UInt64, hard: UInt64)? {
    var limit = rlimit()
    guard getrlimit(resource, &limit) == 0 else { return nil }
    if limit.rlim_cur < limit.rlim_max {
      var raised = limit
      raised.rlim_cur = limit.rlim_max
      if setrlimit(resource, &raised) == 0 { limit = raised }
    }
    return (UInt64(limit.rlim_cur), UInt64(limit.rlim_max))
  }

  /// What to tell the operator when `soft` leaves too little room for `connections`, else `nil`.
  static func shortfall(soft: UInt64, connections: Int) -> String? {
    let needed = UInt64(max(connections, 0)) + reserve
    guard soft < needed else { return nil }
    return "the open-file limit is \(soft), below the \(needed) that \(connections) connections and "
      + "cohortd's other files need: connections and database sessions will fail before the connection cap; "
      + "raise the hard limit (ulimit -Hn, or LimitNOFILE= in a systemd unit)"
  }

  #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
  #else
    private static let resource = RLIMIT_NOFILE
  #endif
}
