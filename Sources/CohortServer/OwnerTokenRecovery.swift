import CohortDomain
import EventStore
import Foundation
import Logging

/// For an owner who lost their token: with access to the server's machine and database (not
/// through the API, which needs a token), issue a new owner token for the first community and
/// write it to the owner token file, as on the first start. The owner tokens it replaces are
/// revoked in the same append (a lost token may be a stolen one) unless `keepOtherOwnerTokens`.
public enum OwnerTokenRecovery {
  /// What a run did: the file holding the new token, and how many owner tokens it revoked.
  public struct Outcome: Sendable {
    public var tokenPath: String
    public var revoked: Int
  }

  public static func run(
    _ configuration: ServerConfiguration, keepOtherOwnerTokens: Bool = false, logger: Logger
  ) async throws -> Outcome {
    try configuration.prepareDataDirectory()
    let connection = try await StoreConnection.open(configuration, logger: logger)
    let pool = connection.run.map { run in Task.detached { try await run() } }
    defer { pool?.cancel() }
    do {
      try await connection.migrate()
      let outcome = try await issue(
        in: connection.store, tokenPath: configuration.ownerTokenPath, keepOtherOwnerTokens: keepOtherOwnerTokens)
      await connection.close()
      return outcome
    } catch {
      await connection.close()
      throw error
    }
  }

  static func issue(
    in store: any EventStore, tokenPath: String, keepOtherOwnerTokens: Bool = false, now: Date = Date()
  ) async throws -> Outcome {
    let stream = AccessEventCodec.tenantStream(Bootstrap.firstTenantID)
    let recorded = try await store.readStream(stream)
    guard !recorded.isEmpty else {
      throw ConfigurationError("this store has no community yet: start cohortd once, and it creates one with its owner")
    }
    var state = Access.fold(
      try recorded.compactMap { recorded throws(EventStoreError) in
        try AccessEventCodec.codec.decode(recorded)
      })
    let replaced = keepOtherOwnerTokens ? [] : state.valid(.owner, at: now)
    let token = Token.generate()
    let context = DecisionContext(now: now, subjectID: Bootstrap.firstTenantID)
    var events = try Access.decide(
      .issueToken(
        NewToken(role: .owner, secretHash: AccessRegistry.hash(token), label: "owner (recovered on the server)")),
      state: state, context: context)
    state = Access.evolved(state, by: events)
    for tokenID in replaced.sorted(by: { $0.uuidString < $1.uuidString }) {
      let revoked = try Access.decide(
        .revokeToken(tokenID, reason: "replaced by cohortd owner-token", by: nil), state: state, context: context)
      state = Access.evolved(state, by: revoked)
      events += revoked
    }
    // The token is written (and synced) beside the file first and takes its place only once its
    // event is durable: a failed append leaves the old file, a crash in between a file the log
    // does not know is never read.
    let pending = tokenPath + ".pending"
    try DevelopmentCertificates.write(token + "\n", to: pending, mode: 0o600)
    do {
      _ = try await store.append(
        try events.map(AccessEventCodec.eventData), to: stream, expecting: .exact(Int64(recorded.count)))
    } catch {
      try? FileManager.default.removeItem(atPath: pending)
      throw error
    }
    guard rename(pending, tokenPath) == 0 else {
      throw ConfigurationError(
        "the new owner token is valid but could not be moved to \(tokenPath); it is in \(pending)")
    }
    return Outcome(tokenPath: tokenPath, revoked: replaced.count)
  }
}
