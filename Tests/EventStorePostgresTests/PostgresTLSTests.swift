import EventStore
import Foundation
import PostgresNIO
import Testing

@testable import EventStorePostgres

/// `sslmode=verify-full` with `sslrootcert`: the test server (Scripts/postgres.sh) has a
/// certificate for the name localhost from a CA of its own (`COHORT_TEST_POSTGRES_CA`). Trusting
/// that CA, the store connects to localhost over TLS; it refuses a certificate from another CA.
enum TLSDatabase {
  static let authority = ProcessInfo.processInfo.environment["COHORT_TEST_POSTGRES_CA"].flatMap {
    $0.isEmpty ? nil : $0
  }
  /// Another cluster's CA (the restart server's), which did not sign the test server's certificate.
  static let otherAuthority = ProcessInfo.processInfo.environment["COHORT_TEST_POSTGRES_OTHER_CA"].flatMap {
    $0.isEmpty ? nil : $0
  }
  static let skipReason: Comment = "COHORT_TEST_POSTGRES_CA is not set (Scripts/test.sh sets it)"
}

@Suite(
  "PostgreSQL event store over verified TLS",
  .enabled(if: TestDatabase.enabled && TLSDatabase.authority != nil, TLSDatabase.skipReason))
struct PostgresTLSTests {

  /// The test server's URL with `host`, `mode` and `sslrootcert=ca`.
  static func configuration(
    host: String, ca: String, mode: String = "verify-full"
  ) throws -> PostgresEventStore.Configuration {
    let plain = try TestDatabase.configuration()
    var url = URLComponents()
    url.scheme = "postgres"
    url.user = plain.username
    url.host = host
    url.port = plain.port
    url.path = "/" + (plain.database ?? "")
    url.queryItems = [.init(name: "sslmode", value: mode), .init(name: "sslrootcert", value: ca)]
    var configuration = try PostgresEventStore.Configuration(url: url.string ?? "")
    configuration.maximumConnections = 2
    configuration.connectionWait = .seconds(2)
    return configuration
  }

  @Test("trusting the server's CA, the store reaches it by the name its certificate holds, over TLS")
  func verified() async throws {
    let configuration = try Self.configuration(host: "localhost", ca: try #require(TLSDatabase.authority))
    #expect(configuration.tls == .verifyFull && configuration.rootCertificates?.count == 1)
    try await TestDatabase.withStore(configuration) { store in
      let stream = StreamName(tenantID: UUID(), category: "tls", id: UUID())
      _ = try await store.append(
        [EventData(id: UUID(), type: "Checked", data: Data("{}".utf8))], to: stream, expecting: .noStream)
      #expect(try await store.readStream(stream).count == 1)
    }
    let client = PostgresClient(configuration: configuration.client, backgroundLogger: TestDatabase.logger)
    let running = Task { await client.run() }
    defer { running.cancel() }
    let rows = try await client.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").collect()
    #expect(try rows.first?.decode(Bool.self) == true, "the session is encrypted")
  }

  @Test("verify-ca checks the CA only, so an address the certificate does not name is accepted")
  func verifyCA() async throws {
    let configuration = try Self.configuration(
      host: "127.0.0.1", ca: try #require(TLSDatabase.authority), mode: "verify-ca")
    try await TestDatabase.withStore(configuration) { store in _ = try await store.headPosition() }
  }

  @Test("verify-full with an address instead of the certificate's name is refused before connecting, saying why")
  func verifyFullAddress() throws {
    #expect {
      try Self.configuration(host: "127.0.0.1", ca: try #require(TLSDatabase.authority))
    } throws: { error in
      "\(error)".contains("127.0.0.1 is an address") && "\(error)".contains("verify-ca")
    }
  }

  @Test("a certificate another CA signed is refused, and the error says the certificate did not verify")
  func otherAuthority() async throws {
    let configuration = try Self.configuration(host: "localhost", ca: try #require(TLSDatabase.otherAuthority))
    let store = PostgresEventStore(configuration: configuration, logger: TestDatabase.logger)
    let running = Task { try await store.run() }
    defer { running.cancel() }
    do {
      try await store.migrate()
      Issue.record("the store connected although the server's certificate is not from the CA it was given")
    } catch {
      #expect(error.code == .unavailable, "\(error)")
      #expect(String(reflecting: error).contains("CERTIFICATE_VERIFY_FAILED"), "\(String(reflecting: error))")
    }
  }
}
