import CohortAPI
import CohortClient
import EventStore
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import NIOCore
import Projections
import ServiceLifecycle

/// The whole of `cohortd` as one `Service`: the event store, the read model that follows it,
/// and the gRPC server over TLS.
///
/// Start-up: open and migrate the store, create the first tenant if the store is new, fold the
/// log into the read model, then serve. Graceful shutdown runs the other way: stop accepting
/// calls and let in-flight ones finish, stop the read model at a checkpoint, close the store.
public final class CohortServer: Service, Sendable {
  public let configuration: ServerConfiguration
  private let logger: Logger
  private let bound = OneShot<LocalServerInfo>()

  public init(configuration: ServerConfiguration, logger: Logger) {
    self.configuration = configuration
    self.logger = logger
  }

  /// Where the server listens and which CA and token file a local client uses; available once
  /// it serves (throws if it failed to start).
  public var serving: LocalServerInfo {
    get async throws { try await bound.value }
  }

  public func run() async throws {
    do {
      try await runUnlessFailed()
    } catch {
      bound.set(.failure(error))
      throw error
    }
  }

  /// The server's parts as one `ServiceGroup`, started together and shut down in reverse order:
  /// the store (its connection pool), the projection, the API. On graceful shutdown the API stops
  /// accepting calls and lets in-flight ones finish, then the projection stops at a checkpoint,
  /// then the store closes. The API's prelude (migrate, first tenant, catch up) runs first; the
  /// projection starts once the store is migrated.
  private func runUnlessFailed() async throws {
    try configuration.prepareDataDirectory()
    if let limit = OpenFileLimit.raise(),
      let shortfall = OpenFileLimit.shortfall(soft: limit.soft, connections: configuration.maximumConnections)
    {
      logger.warning("\(shortfall)", metadata: ["soft": "\(limit.soft)", "hard": "\(limit.hard)"])
    }
    let tls = try TLSFiles.prepare(configuration, logger: logger)
    let connection = try await StoreConnection.open(configuration, logger: logger)
    logger.info("event store", metadata: ["store": "\(connection.description)"])

    let core = ServerCore(
      store: connection.store, keys: connection.keys, logger: logger,
      snapshotDirectory: configuration.snapshotEvery > 0 ? configuration.dataDirectory : nil)
    if configuration.snapshotEvery == 0 {
      // Not kept up to date, so not kept: it holds personal data.
      ReadModelSnapshots.discard(in: configuration.dataDirectory)
    }
    let migrated = OneShot<Void>()
    let webhooks = WebhookListener(
      host: configuration.host, port: configuration.httpsPort, tls: tls,
      webhooks: try PortOneWebhooks(configuration, core: core, logger: logger), bound: OneShot(), ready: migrated,
      logger: logger)
    let group = ServiceGroup(
      configuration: .init(
        services: [
          .init(service: StoreService(connection: connection), failureTerminationBehavior: .cancelGroup),
          .init(
            service: ProjectionService(
              core: core, after: migrated, snapshotEvery: configuration.snapshotEvery, logger: logger),
            successTerminationBehavior: .ignore,
            failureTerminationBehavior: .gracefullyShutdownGroup),
          .init(service: webhooks, successTerminationBehavior: .ignore, failureTerminationBehavior: .cancelGroup),
          .init(
            service: AutomaticEnrollmentService(core: core, logger: logger), successTerminationBehavior: .ignore,
            failureTerminationBehavior: .cancelGroup),
          .init(
            service: APIService(
              server: self, connection: connection, core: core, migrated: migrated, webhooks: webhooks.bound, tls: tls),
            successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .cancelGroup),
        ],
        gracefulShutdownSignals: [], cancellationSignals: [], logger: logger))
    do {
      try await withGracefulShutdownHandler {
        try await group.run()
      } onGracefulShutdown: {
        Task { await group.triggerGracefulShutdown() }
      }
    } catch {
      // Closed here, not by the store's service, so that it closes even if the group never ran it.
      await connection.close()
      throw error
    }
    await connection.close()
    logger.info("cohortd stopped")
  }

  /// The API's prelude, then gRPC over TLS until graceful shutdown has let in-flight calls finish.
  fileprivate func serve(
    _ connection: StoreConnection, core: ServerCore, migrated: OneShot<Void>, webhooks: OneShot<Int>, tls: TLSFiles
  ) async throws {
    let store = connection.store
    let readModel = core.readModel
    let tokenFile: String?
    let head: Int64
    let identity: PersonIdentity
    do {
      try await connection.migrate()
      tokenFile = try await Bootstrap.run(
        store: store, tenantName: configuration.firstTenantName, tokenPath: configuration.ownerTokenPath,
        logger: logger)
      identity = PersonIdentity(secret: try await connection.keys.sharedSecret(PersonIdentity.purpose))
      head = try await store.headPosition()
      migrated.set(.success(()))
    } catch {
      migrated.set(.failure(error))
      throw error
    }
    let started = ContinuousClock.now
    while !(await readModel.waitUntil(position: head, timeout: .seconds(1))) {
      if let failure = readModel.failure { throw failure }
      try Task.checkCancellation()
      logger.info("catching up", metadata: ["position": "\(readModel.position)", "head": "\(head)"])
    }
    logger.info(
      "read model caught up",
      metadata: ["position": "\(head)", "took": "\(ContinuousClock.now - started)"])

    let health = HealthService(services: CohortReadModel.cohortServices) { service in
      readModel.read { $0.stoppedReason(service: service) }
    }
    let transport = HTTP2ServerTransport.Posix(
      address: configuration.host.contains(":")
        ? .ipv6(host: configuration.host, port: configuration.port)
        : .ipv4(host: configuration.host, port: configuration.port),
      transportSecurity: .tls(
        certificateChain: [.file(path: tls.certificatePath, format: .pem)],
        privateKey: .file(path: tls.privateKeyPath, format: .pem)),
      config: .defaults { config in
        config.rpc.maxRequestPayloadSize = configuration.maximumRequestBytes
        config.http2.maxConcurrentStreams = configuration.maximumStreamsPerConnection
        config.connection.maxIdleTime = configuration.maximumConnectionIdle
        config.connection.maxAge = configuration.maximumConnectionAge
        config.connection.maxGraceTime = configuration.connectionGrace
        config.connection.keepalive.time = configuration.keepaliveInterval
        config.connection.keepalive.timeout = configuration.keepaliveTimeout
        let guardian = ConnectionGuard(
          maximumConnections: configuration.maximumConnections, handshakeTimeout: configuration.tlsHandshakeTimeout,
          silenceLimit: configuration.keepaliveInterval + configuration.keepaliveTimeout)
        config.channelDebuggingCallbacks.onAcceptTCPConnection = { channel in guardian.accept(channel) }
      })
    let server = try Self.grpcServer(
      transport: transport, core: core, identity: identity, health: health,
      reads: ReadConsistency(
        limit: configuration.queryWaitLimit, maximumWaiting: configuration.maximumWaitingQueries),
      tails: AdminService.tails(maximum: configuration.maximumEventTails))
    do {
      try await withGracefulShutdownHandler {
        try await withThrowingDiscardingTaskGroup { serving in
          serving.addTask { try await server.serve() }
          // Resolves once the port is bound. If binding fails, serve() throws why, so that error
          // is the one reported.
          guard let address = try? await transport.listeningAddress else { return }
          try announce(
            port: address.ipv4?.port ?? address.ipv6?.port ?? configuration.port, httpsPort: try await webhooks.value,
            tls: tls, tokenFile: tokenFile)
          health.setServing()
        }
      } onGracefulShutdown: {
        health.setStopping()
        server.beginGracefulShutdown()
      }
    } catch {
      throw Self.explained(error, address: ServerAddress(host: configuration.host, port: configuration.port))
    }
  }

  /// The gRPC server over `transport` (TLS over TCP in production, in-process in tests): every
  /// service, behind the authentication and authorization interceptor.
  static func grpcServer<Transport: ServerTransport>(
    transport: Transport, core: ServerCore, identity: PersonIdentity, health: HealthService,
    reads: ReadConsistency, tails: Slots
  ) throws -> GRPCServer<Transport> {
    let readModel = core.readModel
    return GRPCServer(
      transport: transport,
      services: try services(core: core, identity: identity, health: health, reads: reads, tails: tails),
      interceptors: [
        AuthenticationInterceptor(
          authenticate: { hash, now in readModel.read { $0.access.authenticate(hash: hash, at: now) } },
          stopped: { service in readModel.read { $0.stoppedReason(service: service) } })
      ])
  }

  /// Every service the server serves.
  private static func services(
    core: ServerCore, identity: PersonIdentity, health: HealthService, reads: ReadConsistency, tails: Slots
  ) throws -> [any RegistrableRPCService] {
    let reflection = try ReflectionService()
    return [
      EnrollmentRPCs(service: EnrollmentService(core: core, identity: identity, reads: reads)),
      AdminService(core: core, identity: identity, tails: tails),
      PeopleService(core: core, identity: identity, reads: reads),
      PaymentsService(core: core, identity: identity, reads: reads),
      OutreachService(core: core, identity: identity, reads: reads),
      GroupsService(core: core, identity: identity, reads: reads),
      health,
      reflection,
      ReflectionAlphaService(reflection: reflection),
    ]
  }

  /// Every method the server serves, as its router sees them: what ``AccessPolicy`` must cover.
  static func servedMethods() throws -> [MethodDescriptor] {
    let services = try services(
      core: ServerCore(store: InMemoryEventStore(), keys: InMemoryKeyStore(), logger: Logger(label: "unused")),
      identity: PersonIdentity(secret: .random()), health: HealthService(services: []),
      reads: ReadConsistency(limit: .zero, maximumWaiting: 0), tails: AdminService.tails(maximum: 0))
    var router = RPCRouter<HTTP2ServerTransport.Posix>()
    for service in services { service.registerMethods(with: &router) }
    return router.methods
  }

  /// Tells local clients (server.json), tests (``serving``) and the log where the server listens.
  private func announce(port: Int, httpsPort: Int, tls: TLSFiles, tokenFile: String?) throws {
    let info = LocalServerInfo(
      host: configuration.host, port: port, caCertificatePath: tls.caCertificatePath ?? "",
      ownerTokenPath: FileManager.default.fileExists(atPath: configuration.ownerTokenPath)
        ? configuration.ownerTokenPath : nil, httpsPort: httpsPort)
    try info.save(toDataDirectory: configuration.dataDirectory)
    bound.set(.success(info))
    logger.notice(
      "cohortd serving gRPC over TLS",
      metadata: [
        "address": "\(ServerAddress(host: configuration.host, port: port))",
        "webhooks": "https://\(ServerAddress(host: configuration.host, port: httpsPort))/webhooks/portone",
        "ca": "\(tls.caCertificatePath ?? "configured")", "owner-token": "\(tokenFile ?? "existing")",
      ])
  }

  /// A failure to listen, said so that the operator knows what to do.
  private static func explained(_ error: any Error, address: ServerAddress) -> any Error {
    guard let cause = (error as? RuntimeError)?.cause as? IOError else { return error }
    switch cause.errnoCode {
    case EADDRINUSE:
      return ConfigurationError("\(address) is already in use (another cohortd?): stop it, or choose another --port")
    case EADDRNOTAVAIL:
      return ConfigurationError("\(address) is not an address of this machine: choose another --host")
    case EACCES:
      return ConfigurationError("listening on \(address) is not permitted: choose a --port above 1023")
    default:
      return error
    }
  }
}

/// The store's background work: PostgreSQL's connection pool runs until graceful shutdown
/// reaches it, after the API and the projection have stopped.
private struct StoreService: Service, CustomStringConvertible {
  let connection: StoreConnection
  var description: String { "StoreService(\(connection.description))" }

  func run() async throws {
    if let pool = connection.run {
      try await cancelWhenGracefulShutdown { try await pool() }
    } else {
      try await gracefulShutdown()
    }
  }
}

/// Follows the log into the read model once the store is migrated, from the snapshot when one
/// fits; writes a snapshot every `snapshotEvery` events (a tenth of the log once that is more)
/// and after it stops at a checkpoint on graceful shutdown. A failure stops the server: its
/// answers would go stale.
private struct ProjectionService: Service, CustomStringConvertible {
  let core: ServerCore
  let after: OneShot<Void>
  let snapshotEvery: Int
  let logger: Logger
  var description: String { "ProjectionService" }

  func run() async throws {
    try await after.value
    guard let snapshots = core.snapshots else {
      try await cancelWhenGracefulShutdown { try await core.readModel.run() }
      return
    }
    let loaded = await restore(from: snapshots)
    // The position of the snapshot on disk: the one loaded, or the last one written since.
    let onDisk = try await withThrowingTaskGroup(of: Int64?.self) { group in
      group.addTask {
        try await cancelWhenGracefulShutdown { try await core.readModel.run() }
        return nil
      }
      group.addTask { await writePeriodically(snapshots, after: loaded) }
      // The projection ended (shutdown, or a failure): the periodic writer goes with it.
      defer { group.cancelAll() }
      _ = try await group.next()
      group.cancelAll()
      var last = loaded
      while let written = try await group.next() { last = written ?? last }
      return last
    }
    // Stopped at a checkpoint: the next start folds only what comes after it. A snapshot of this
    // very position is on disk already when nothing was folded since (a forget folded since
    // deleted it, and moved the position).
    guard core.readModel.position != onDisk else { return }
    await write(snapshots, wait: .zero)
  }

  /// The position the snapshot loaded is at, or `nil` when none was.
  private func restore(from snapshots: ReadModelSnapshots) async -> Int64? {
    let started = ContinuousClock.now
    do {
      let (content, position) = try await snapshots.load()
      core.readModel.restore(CohortReadModel(logger: logger, content: content), at: position)
      core.automaticEnrollment.restored(content.validations)
      logger.info(
        "read model loaded from its snapshot",
        metadata: ["position": "\(position)", "took": "\(ContinuousClock.now - started)", "path": "\(snapshots.path)"])
      return position
    } catch {
      logger.info("no snapshot loaded: the read model folds the whole log", metadata: ["why": "\(error)"])
      return nil
    }
  }

  /// Writes a snapshot each time one is due (``ReadModelSnapshots/isDue(position:lastWritten:every:)``),
  /// until cancelled: the first as soon as a start without one has folded the log. Returns the
  /// position of the last one it wrote (`loaded` when none).
  private func writePeriodically(_ snapshots: ReadModelSnapshots, after loaded: Int64?) async -> Int64? {
    var written = loaded ?? 0
    var last = loaded
    // A start folding a long log is behind until it catches up: no write is tried before then
    // (each would wait for the head in vain and say so in the log).
    if let head = try? await core.store.headPosition() {
      while !(await core.readModel.waitUntil(position: head, timeout: .seconds(5))) {
        if Task.isCancelled || core.readModel.failure != nil { return last }
      }
    }
    while (try? await Task.sleep(for: .seconds(5))) != nil {
      guard
        ReadModelSnapshots.isDue(position: core.readModel.position, lastWritten: written, every: snapshotEvery)
      else { continue }
      if let position = await write(snapshots, wait: .seconds(30)) {
        written = position
        last = position
      }
    }
    return last
  }

  @discardableResult
  private func write(_ snapshots: ReadModelSnapshots, wait: Duration) async -> Int64? {
    do {
      guard let (position, took) = try await snapshots.write(core.readModel, wait: wait) else {
        logger.info("no snapshot written: the read model is behind the log or stopped")
        return nil
      }
      logger.info("read model snapshot written", metadata: ["position": "\(position)", "took": "\(took)"])
      return position
    } catch {
      logger.warning("read model snapshot not written", metadata: ["error": "\(error)"])
      return nil
    }
  }
}

/// The process manager that seats people when their payment validates; stops at graceful shutdown.
private struct AutomaticEnrollmentService: Service, CustomStringConvertible {
  let core: ServerCore
  let logger: Logger
  var description: String { "AutomaticEnrollmentService" }

  func run() async throws {
    await cancelWhenGracefulShutdown { await core.automaticEnrollment.run(core: core, logger: logger) }
  }
}

/// The API: the prelude, then gRPC over TLS.
private struct APIService: Service, CustomStringConvertible {
  var description: String { "APIService(gRPC over TLS)" }

  let server: CohortServer
  let connection: StoreConnection
  let core: ServerCore
  let migrated: OneShot<Void>
  let webhooks: OneShot<Int>
  let tls: TLSFiles

  func run() async throws {
    do {
      try await server.serve(connection, core: core, migrated: migrated, webhooks: webhooks, tls: tls)
    } catch {
      migrated.set(.failure(error))
      throw error
    }
  }
}
