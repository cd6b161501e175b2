import CohortDomain
import EventStore
import Foundation
import Logging

/// For an owner who lost their token: with access to the server's machine and database (not
/// through the API, which needs a token), issue a new owner token for the first community and
/// write it to the owner token file, as on the first start. Earlier tokens stay valid.
public enum OwnerTokenRecovery {
  /// Returns the path of the file holding the new token.
  public static func run(_ configuration: ServerConfiguration, logger: Logger) async throws -> String {
    try FileManager.default.createDirectory(
      atPath: configuration.dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    let connection = try await StoreConnection.open(configuration, logger: logger)
    let pool = connection.run.map { run in Task.detached { try await run() } }
    defer { pool?.cancel() }
    do {
      try await connection.migrate()
      let path = try await issue(in: connection.store, tokenPath: configuration.ownerTokenPath)
      await connection.close()
      return path
    } catch {
      await connection.close()
      throw error
    }
  }

  static func issue(in store: any EventStore, tokenPath: String) async throws -> String {
    let stream = AccessEventCodec.tenantStream(Bootstrap.firstTenantID)
    let recorded = try await store.readStream(stream)
    guard !recorded.isEmpty else {
      throw ConfigurationError("this store has no community yet: start cohortd once, and it creates one with its owner")
    }
    let state = Access.fold(
      try recorded.compactMap { recorded throws(EventStoreError) in
        try AccessEventCodec.codec.decode(recorded)
      })
    let token = Token.generate()
    let events = try Access.decide(
      .issueToken(
        NewToken(role: .owner, secretHash: AccessRegistry.hash(token), label: "owner (recovered on the server)")),
      state: state, context: DecisionContext(now: Date(), subjectID: Bootstrap.firstTenantID))
    // The file first, then the log, as at the first start.
    try DevelopmentCertificates.write(token + "\n", to: tokenPath, mode: 0o600)
    _ = try await store.append(
      try events.map(AccessEventCodec.eventData), to: stream, expecting: .exact(Int64(recorded.count)))
    return tokenPath
  }
}
