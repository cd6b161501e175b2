import EventStore
import Foundation
import Logging

/// On the first start with an empty store: creates the first tenant and its owner, and writes
/// the owner's token to a file only the user can read. The token is shown nowhere else and only
/// its hash goes into the log.
///
/// The first tenant's id is fixed, so two servers starting at once on one database race on the
/// same stream: the store's expected-version check lets exactly one of them create it.
public enum Bootstrap {
  /// The id of the community created on the first start.
  public static let firstTenantID = UUID(namespace: StreamName.systemTenant, name: "first-tenant")

  /// Returns the path of a newly written token file, or `nil` when the store was set up before.
  static func run(
    store: any EventStore, tenantName: String, tokenPath: String, logger: Logger
  ) async throws -> String? {
    let stream = AccessEventCodec.tenantStream(firstTenantID)
    guard try await store.read(stream, from: 1, direction: .forward, limit: 1).isEmpty else { return nil }

    let token = Token.generate()
    let events = try AccessEventCodec.newTenant(
      .init(id: firstTenantID, name: tenantName), ownerToken: token, label: "owner (created at first start)",
      at: Date())
    // The file first, then the log: a token in the log that nobody holds would lock the owner out.
    try DevelopmentCertificates.write(token + "\n", to: tokenPath + ".new", mode: 0o600)
    guard try await appendFirst(events, to: stream, in: store) else {
      try? FileManager.default.removeItem(atPath: tokenPath + ".new")
      logger.info("another server created the first tenant meanwhile")
      return nil
    }
    guard rename(tokenPath + ".new", tokenPath) == 0 else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: tokenPath])
    }
    logger.notice("created the first tenant and its owner", metadata: ["token-file": "\(tokenPath)"])
    return tokenPath
  }

  /// Appends to a stream that must be new; `false` when another server created it first.
  private static func appendFirst(
    _ events: [EventData], to stream: StreamName, in store: any EventStore
  )
    async throws -> Bool
  {
    do {
      _ = try await store.append(events, to: stream, expecting: .noStream)
      return true
    } catch {
      guard error.code == .wrongExpectedVersion else { throw error }
      return false
    }
  }
}

/// Bearer tokens: 256 random bits, URL-safe, with a prefix that makes them easy to spot in a leak.
enum Token {
  static func generate() -> String {
    var generator = SystemRandomNumberGenerator()
    let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    let encoded = Data(bytes).base64EncodedString()
      .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
    return "cohort_" + encoded
  }
}
