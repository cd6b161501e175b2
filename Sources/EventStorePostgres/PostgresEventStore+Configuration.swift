import PostgresNIO

extension PostgresEventStore {
  /// Where the PostgreSQL server is and how to talk to it.
  ///
  /// Usually built from a URL (``init(url:)``); every other field has a default.
  public struct Configuration: Sendable {
    /// How the connection is protected, with libpq's `sslmode` meanings.
    public enum TLSMode: String, Sendable, CaseIterable {
      /// Plain TCP.
      case disable
      /// TLS when the server offers it, plain otherwise (libpq's default).
      case prefer
      /// TLS, without checking the server's certificate.
      case require
      /// TLS with a certificate signed by a trusted CA, for any host name.
      case verifyCA = "verify-ca"
      /// TLS with a trusted certificate for this host name.
      case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    /// The database; `nil` means the one named after the user.
    public var database: String?
    public var tls: TLSMode
    /// The CA certificates the server's certificate must chain to (libpq's `sslrootcert`: a PEM
    /// file), for a database with a certificate of its own CA; `nil`: the system's trust roots.
    /// With roots given, `require` checks the chain too, as libpq does.
    public var rootCertificates: [NIOSSLCertificate]?
    /// The most connections one store opens. Appends use one at a time; the rest serve reads.
    public var maximumConnections: Int
    /// How long to wait for a TCP connection to the server.
    public var connectTimeout: Duration
    /// How long an operation waits for a pooled connection before it reports `unavailable`.
    public var connectionWait: Duration
    /// How long it waits instead once the database has been found out of reach (a connection
    /// broke, or none came within `connectionWait`), until a connection succeeds again.
    public var outageWait: Duration
    /// Set on every session of the store, so that nothing of it waits without end: the longest a
    /// statement runs (`statement_timeout`), a lock is waited for (`lock_timeout`: an append
    /// queued behind a transaction that holds the append lock and never ends fails, and is
    /// retried, instead of stopping writes), and a transaction sits idle (PostgreSQL ends such a
    /// session, releasing its locks: `idle_in_transaction_session_timeout`).
    public var statementTimeout: Duration = .seconds(60)
    public var lockTimeout: Duration = .seconds(10)
    public var idleInTransactionTimeout: Duration = .seconds(60)

    public init(
      host: String, port: Int = 5432, username: String, password: String? = nil, database: String? = nil,
      tls: TLSMode = .prefer, maximumConnections: Int = 10, connectTimeout: Duration = .seconds(10),
      connectionWait: Duration = .seconds(3), outageWait: Duration = .milliseconds(500)
    ) {
      self.host = host
      self.port = port
      self.username = username
      self.password = password
      self.database = database
      self.tls = tls
      self.maximumConnections = maximumConnections
      self.connectTimeout = connectTimeout
      self.connectionWait = connectionWait
      self.outageWait = outageWait
    }

    /// The PostgresNIO client configuration for these settings.
    var client: PostgresClient.Configuration {
      var configuration = PostgresClient.Configuration(
        host: host, port: port, username: username, password: password, database: database, tls: clientTLS)
      configuration.options.maximumConnections = max(maximumConnections, 1)
      configuration.options.connectTimeout = connectTimeout
      configuration.options.additionalStartupParameters = sessionSettings
      return configuration
    }

    /// Why this connection could carry the log (personal data, token hashes) in plaintext, or
    /// `nil` when it cannot: only `sslmode=disable` or `prefer` (plain when the server offers no
    /// TLS) to a host other than this machine's loopback.
    public var plaintextRisk: String? {
      guard tls == .disable || tls == .prefer else { return nil }
      let loopback =
        ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host.lowercased()) || host.hasPrefix("127.")
        || host.hasPrefix("/")
      guard !loopback else { return nil }
      return "sslmode=\(tls.rawValue) to \(host) "
        + (tls == .disable ? "sends" : "sends, if the server offers no TLS,")
        + " the event log in plaintext over the network; use sslmode=verify-full (or verify-ca)"
    }

    /// What every session of the store runs with. `synchronous_commit` is on whatever the
    /// server's default: an acknowledged command must survive a crash of PostgreSQL.
    var sessionSettings: [(String, String)] {
      func milliseconds(_ duration: Duration) -> String {
        "\(duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000)"
      }
      return [
        ("synchronous_commit", "on"), ("statement_timeout", milliseconds(statementTimeout)),
        ("lock_timeout", milliseconds(lockTimeout)),
        ("idle_in_transaction_session_timeout", milliseconds(idleInTransactionTimeout)),
      ]
    }

    /// What a session's TLS checks, and whether plain TCP is refused; `nil`: plain TCP.
    private var sessionTLS: (configuration: TLSConfiguration, required: Bool)? {
      func checking(_ verification: CertificateVerification) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = verification
        if let rootCertificates { configuration.trustRoots = .certificates(rootCertificates) }
        return configuration
      }
      return switch tls {
      case .disable: nil
      case .prefer: (checking(.none), false)
      case .require: (checking(rootCertificates == nil ? .none : .noHostnameVerification), true)
      case .verifyCA: (checking(.noHostnameVerification), true)
      case .verifyFull: (checking(.fullVerification), true)
      }
    }

    private var clientTLS: PostgresClient.Configuration.TLS {
      guard let session = sessionTLS else { return .disable }
      return session.required ? .require(session.configuration) : .prefer(session.configuration)
    }

    /// The settings of one connection like the pool's, made outside it to learn why the pool has
    /// none: PostgresNIO's pool retries quietly, so its callers only see that no connection came.
    func singleConnection() throws -> PostgresConnection.Configuration {
      let tls: PostgresConnection.Configuration.TLS
      if let session = sessionTLS {
        let context = try NIOSSLContext(configuration: session.configuration)
        tls = session.required ? .require(context) : .prefer(context)
      } else {
        tls = .disable
      }
      var configuration = PostgresConnection.Configuration(
        host: host, port: port, username: username, password: password, database: database, tls: tls)
      configuration.options.connectTimeout = .nanoseconds(
        connectTimeout.components.seconds * 1_000_000_000 + connectTimeout.components.attoseconds / 1_000_000_000)
      configuration.options.additionalStartupParameters = sessionSettings
      return configuration
    }
  }
}
