import ArgumentParser
import CohortClient
import CohortServer
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// `cohortd`: the Cohort server. With no flags it keeps everything in a local data directory
/// (embedded SQLite, a development TLS CA, the owner's token) and listens on 127.0.0.1:7443.
@main
struct Cohortd: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cohortd",
    abstract: "The Cohort server: event-sourced enrollment over gRPC with TLS.",
    subcommands: [Serve.self, OwnerToken.self],
    defaultSubcommand: Serve.self)
}

/// Where the server keeps its data: shared by every subcommand.
struct StoreOptions: ParsableArguments {
  @Option(name: .customLong("data-dir"), help: "Data directory (default: $COHORT_HOME, else ~/.local/share/cohort).")
  var dataDirectory: String?

  @Option(
    name: .customLong("database-url"),
    help:
      "PostgreSQL URL without a password (ps shows it), e.g. postgres://cohort@db.example.org:5432/cohort?sslmode=verify-full (default: --database-url-file, else $COHORT_DATABASE_URL, else $DATABASE_URL, else embedded SQLite)."
  )
  var databaseURL: String?

  @Option(
    name: .customLong("database-url-file"),
    help: "A file holding the PostgreSQL URL, password included (default: $COHORT_DATABASE_URL_FILE).")
  var databaseURLFile: String?

  @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
  var logLevel: Logger.Level = .info

  /// The configuration these options and the environment describe, with logging set up.
  func configuration() throws -> (ServerConfiguration, Logger) {
    let environment = ProcessInfo.processInfo.environment
    let level = logLevel
    LoggingSystem.bootstrap { label in
      var handler = StreamLogHandler.standardError(label: label)
      handler.logLevel = level
      return handler
    }
    var configuration = ServerConfiguration(
      dataDirectory: dataDirectory ?? DataDirectory.resolve(environment: environment))
    let logger = Logger(label: "cohortd")
    do {
      configuration.databaseURL = try ServerConfiguration.databaseURL(
        flag: databaseURL, file: databaseURLFile, environment: environment)
    } catch {
      logger.critical("\(error)")
      throw ExitCode.failure
    }
    return (configuration, logger)
  }
}

/// `cohortd owner-token`: a new owner token, for an owner who lost theirs.
struct OwnerToken: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "owner-token",
    abstract: "Issue a new owner token into the owner token file (run on the server, with its data).")

  @OptionGroup var store: StoreOptions

  @Flag(help: "Leave the other owner tokens valid (by default they are revoked: a lost token may be a stolen one).")
  var keepOtherOwnerTokens = false

  func run() async throws {
    let (configuration, logger) = try store.configuration()
    do {
      let outcome = try await OwnerTokenRecovery.run(
        configuration, keepOtherOwnerTokens: keepOtherOwnerTokens, logger: logger)
      let earlier =
        keepOtherOwnerTokens
        ? "Earlier owner tokens still work."
        : "\(outcome.revoked) earlier owner \(outcome.revoked == 1 ? "token was" : "tokens were") revoked."
      print("A new owner token is in \(outcome.tokenPath) (readable only by you). \(earlier)")
    } catch {
      logger.critical("could not issue an owner token", metadata: ["error": "\(error)"])
      throw ExitCode.failure
    }
  }
}

/// `cohortd` / `cohortd serve`: run the server.
struct Serve: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run the server (the default).",
    discussion: """
      With no flags, cohortd stores its events in embedded SQLite under the data directory, \
      creates a development CA and server certificate there, creates the first community and \
      its owner token on first start, and writes server.json so that the `cohort` CLI on this \
      machine connects with no flags.
      """)

  @OptionGroup var store: StoreOptions

  @Option(help: "Address to listen on.")
  var host = "127.0.0.1"

  @Option(help: "Port to listen on (0 picks a free one).")
  var port = ServerAddress.defaultPort

  @Option(name: .customLong("tls-cert"), help: "PEM certificate chain to serve (default: a development CA's).")
  var tlsCertificate: String?

  @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert.")
  var tlsKey: String?

  @Option(name: .customLong("tenant-name"), help: "Name of the first community, created on first start.")
  var tenantName = "My community"

  @Option(
    name: .customLong("https-port"), help: "HTTPS port for webhooks, POST /webhooks/portone (0 picks a free one).")
  var httpsPort = 7444

  @Option(
    name: .customLong("portone-webhook-secret-file"),
    help:
      "File with PortOne's webhook secrets, one whsec_… per line (several during a rotation; default: $COHORT_PORTONE_WEBHOOK_SECRET_FILE). Without one, webhooks are answered 503."
  )
  var portOneWebhookSecretFile: String?

  @Option(
    name: .customLong("portone-api-secret-file"),
    help: "File with PortOne's API secret, for payment look-ups (default: $COHORT_PORTONE_API_SECRET_FILE).")
  var portOneAPISecretFile: String?

  @Option(
    name: .customLong("portone-api-url"),
    help:
      "PortOne's API (default: $COHORT_PORTONE_API_URL, else https://api.portone.io; http:// only for a loopback address)."
  )
  var portOneAPIURL: String?

  @Option(
    name: .customLong("snapshot-every"),
    help: """
      Write the read model to <data-dir>/read-model.snapshot every N events folded (or a tenth of \
      the log, once that is more) and at shutdown, so that a start folds only the log after it \
      (0: never, and an old snapshot is deleted).
      """)
  var snapshotEvery = ServerConfiguration.defaultSnapshotEvery

  /// Where Swift tasks run.
  enum Executor: String, ExpressibleByArgument, CaseIterable {
    /// On NIO's event loops, where the connections are: no thread hop between a socket and the
    /// task that handles what it read.
    case nio
    /// On Swift's default global pool.
    case swift
  }

  @Option(
    help: """
      Where Swift tasks run: nio (on the event loops that serve the connections; fewer thread hops per RPC) \
      or swift (Swift's own thread pool).
      """)
  var executor: Executor = .swift

  func validate() throws {
    guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
    guard (0...65535).contains(httpsPort) else { throw ValidationError("--https-port must be 0 to 65535") }
    guard snapshotEvery >= 0 else { throw ValidationError("--snapshot-every must be 0 (never) or a number of events") }
    if (tlsCertificate == nil) != (tlsKey == nil) {
      throw ValidationError("give --tls-cert and --tls-key together, or neither")
    }
  }

  func run() async throws {
    // Before any task of the server is created: from here on every task runs on an event loop.
    if executor == .nio, !NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() {
      FileHandle.standardError.write(Data("cohortd: NIO's event loops could not take over Swift's tasks\n".utf8))
    }
    let (base, logger) = try store.configuration()
    var configuration = base
    configuration.host = host
    configuration.port = port
    configuration.tlsCertificatePath = tlsCertificate
    configuration.tlsPrivateKeyPath = tlsKey
    configuration.firstTenantName = tenantName
    configuration.httpsPort = httpsPort
    configuration.snapshotEvery = snapshotEvery
    // Secrets come from files (named here or in the environment), never from the command line.
    let environment = ProcessInfo.processInfo.environment
    configuration.portOneWebhookSecretFile =
      portOneWebhookSecretFile ?? environment["COHORT_PORTONE_WEBHOOK_SECRET_FILE"].flatMap { $0.isEmpty ? nil : $0 }
    configuration.portOneAPISecretFile =
      portOneAPISecretFile ?? environment["COHORT_PORTONE_API_SECRET_FILE"].flatMap { $0.isEmpty ? nil : $0 }
    if let url = portOneAPIURL ?? environment["COHORT_PORTONE_API_URL"].flatMap({ $0.isEmpty ? nil : $0 }) {
      configuration.portOneAPIURL = url
    }

    let server = CohortServer(configuration: configuration, logger: logger)
    let group = ServiceGroup(
      configuration: .init(
        services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    do {
      try await group.run()
    } catch {
      logger.critical("cohortd failed", metadata: ["error": "\(error)"])
      throw ExitCode.failure
    }
  }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
