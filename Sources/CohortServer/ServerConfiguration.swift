import Foundation
import Logging

/// Everything `cohortd` can be told; every field has a default that works on a fresh machine.
/// Only the executable reads flags and the environment; it fills this in.
public struct ServerConfiguration: Sendable {
  /// Where the embedded database, development TLS files, tokens and `server.json` live.
  public var dataDirectory: String
  /// The address to listen on (loopback by default: nothing is exposed unless asked).
  public var host: String = "127.0.0.1"
  /// 0 picks a free port (tests).
  public var port: Int = 7443
  /// The HTTPS port for webhooks (`POST /webhooks/portone`); 0 picks a free port.
  public var httpsPort: Int = 7444
  /// PortOne: a file with the webhook secrets (`whsec_…`, one per line; several during a
  /// rotation), a file with the API secret, and the API's base URL.
  public var portOneWebhookSecretFile: String?
  public var portOneAPISecretFile: String?
  public var portOneAPIURL: String = "https://api.portone.io"
  /// A `postgres://` URL; `nil` uses embedded SQLite in the data directory.
  public var databaseURL: String?
  /// A PEM certificate chain and key to serve; `nil` makes and uses a development CA.
  public var tlsCertificatePath: String?
  public var tlsPrivateKeyPath: String?
  /// The name of the first community, created on first start with an empty store.
  public var firstTenantName: String = "My community"
  /// The longest a query waits for the read model to reach the position it asked for.
  public var queryWaitLimit: Duration = .seconds(5)
  /// How many queries may wait for the read model at the same time; more are refused
  /// (RESOURCE_EXHAUSTED) rather than parked.
  public var maximumWaitingQueries: Int = 1_000
  /// How many `TailEvents` calls may run at the same time (a following one runs until its client
  /// goes away, holding a subscription to the log); more are refused (RESOURCE_EXHAUSTED).
  public var maximumEventTails: Int = 64
  /// The largest request message accepted, in bytes.
  public var maximumRequestBytes: Int = 1 << 20
  /// gRPC connections open at once; one more is closed as it arrives. Each costs a socket and
  /// some memory, and a caller needs no token to open one.
  public var maximumConnections: Int = 1_024
  /// How long a connection may take to finish its TLS handshake before it is closed.
  public var tlsHandshakeTimeout: Duration = .seconds(10)
  /// Streams (calls, health Watch streams included) one connection may have open at once.
  public var maximumStreamsPerConnection: Int = 100
  /// A connection without calls for this long is closed (with GOAWAY; clients reconnect).
  public var maximumConnectionIdle: Duration = .seconds(300)
  /// A connection older than this is asked to go away (then given `connectionGrace` to finish
  /// its calls): no caller keeps one connection, and what it holds, for ever.
  public var maximumConnectionAge: Duration = .seconds(3_600)
  public var connectionGrace: Duration = .seconds(60)
  /// A ping after this long without traffic; a peer that does not answer within
  /// `keepaliveTimeout` is dead and its connection closed. A peer that sends nothing at all for
  /// their sum (it answers no ping either) is closed too, whatever gRPC is waiting for.
  public var keepaliveInterval: Duration = .seconds(60)
  public var keepaliveTimeout: Duration = .seconds(20)

  /// The read model is written to the data directory every this many events folded (or a tenth
  /// of the log, once that is more) and at shutdown (``ReadModelSnapshots``); 0 writes none.
  public var snapshotEvery: Int = Self.defaultSnapshotEvery
  public static let defaultSnapshotEvery = 100_000

  public init(dataDirectory: String) {
    self.dataDirectory = dataDirectory
  }

  /// The PostgreSQL URL from, in order: the command line (`flag`; it must hold no password, since
  /// `ps` shows every process's arguments), a file (`file`, or `COHORT_DATABASE_URL_FILE`), or
  /// the environment (`COHORT_DATABASE_URL`, then `DATABASE_URL`). `nil`: embedded SQLite.
  public static func databaseURL(flag: String?, file: String?, environment: [String: String]) throws -> String? {
    func nonEmpty(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
    if let flag = nonEmpty(flag) {
      if let password = URLComponents(string: flag)?.password, !password.isEmpty {
        throw ConfigurationError(
          "--database-url holds a password, which `ps` shows to every user of this machine: put the URL in "
            + "COHORT_DATABASE_URL or in a file readable only by cohortd's user (--database-url-file)")
      }
      return flag
    }
    if let file = nonEmpty(file) ?? nonEmpty(environment["COHORT_DATABASE_URL_FILE"]) {
      let url: String
      do {
        url = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
      } catch {
        throw ConfigurationError("cannot read the database URL file \(file): \(error.localizedDescription)")
      }
      guard !url.isEmpty else { throw ConfigurationError("the database URL file \(file) is empty") }
      return url
    }
    return nonEmpty(environment["COHORT_DATABASE_URL"]) ?? nonEmpty(environment["DATABASE_URL"])
  }

  /// Creates the data directory if it is missing and makes it private (0700) whatever the umask
  /// or whoever created it: it holds personal data (the SQLite file), keys and tokens.
  func prepareDataDirectory() throws {
    try Self.makePrivateDirectory(dataDirectory)
  }

  static func makePrivateDirectory(_ path: String) throws {
    let files = FileManager.default
    do {
      try files.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
    } catch {
      throw ConfigurationError(
        "cannot make the data directory \(path) private (mode 0700): \(error.localizedDescription)")
    }
  }

  var tlsDirectory: String { dataDirectory + "/tls" }
  var sqlitePath: String { dataDirectory + "/cohort.sqlite" }
  var ownerTokenPath: String { dataDirectory + "/owner.token" }
}
