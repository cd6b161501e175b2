import EventStorePostgres
import Testing

@Suite("PostgreSQL event store: configuration from a URL")
struct PostgresConfigurationTests {
  @Test("a full URL sets every field")
  func fullURL() throws {
    let configuration = try PostgresEventStore.Configuration(
      url: "postgres://cohort:s%40cret@db.example:6543/events?sslmode=disable&connect_timeout=3")
    #expect(configuration.host == "db.example")
    #expect(configuration.port == 6543)
    #expect(configuration.username == "cohort")
    #expect(configuration.password == "s@cret")
    #expect(configuration.database == "events")
    #expect(configuration.tls == .disable)
    #expect(configuration.connectTimeout == .seconds(3))
  }

  @Test("an IPv6 host loses its brackets; a percent-encoded database name is decoded")
  func ipv6() throws {
    let configuration = try PostgresEventStore.Configuration(url: "postgres://u@[::1]:5433/my%20db")
    #expect(configuration.host == "::1")
    #expect(configuration.port == 5433)
    #expect(configuration.database == "my db")
  }

  @Test("port, database, password and sslmode have libpq's defaults")
  func defaults() throws {
    let configuration = try PostgresEventStore.Configuration(url: "postgresql://postgres@127.0.0.1")
    #expect(configuration.port == 5432)
    #expect(configuration.database == nil)
    #expect(configuration.password == nil)
    #expect(configuration.tls == .prefer)
  }

  @Test(
    "every sslmode is understood",
    arguments: [
      ("disable", PostgresEventStore.Configuration.TLSMode.disable), ("allow", .prefer), ("prefer", .prefer),
      ("require", .require), ("verify-ca", .verifyCA), ("verify-full", .verifyFull),
    ])
  func sslModes(_ mode: String, _ expected: PostgresEventStore.Configuration.TLSMode) throws {
    let configuration = try PostgresEventStore.Configuration(url: "postgres://u@h/db?sslmode=\(mode)")
    #expect(configuration.tls == expected)
  }

  @Test(
    "a bad URL is refused, saying what is wrong",
    arguments: [
      ("mysql://u@h/db", "scheme"),
      ("postgres:///db", "host"),
      ("postgres://h/db", "user"),
      ("postgres://u@h:70000/db", "port"),
      ("postgres://u@h/db/more", "database name"),
      ("postgres://u@h/db?sslmode=maybe", "sslmode"),
      ("postgres://u@h/db?connect_timeout=soon", "connect_timeout"),
      ("postgres://u@h/db?pool=3", "pool"),
      ("not a url at all", "URL"),
    ])
  func badURL(_ url: String, _ named: String) {
    let error = #expect(throws: InvalidPostgresURL.self) { try PostgresEventStore.Configuration(url: url) }
    #expect(error?.description.contains(named) == true, "\(url): \(error?.description ?? "no error")")
  }

  @Test("the error never repeats the password")
  func passwordNotEchoed() {
    let error = #expect(throws: InvalidPostgresURL.self) {
      try PostgresEventStore.Configuration(url: "postgres://u:hunter2@h/db?sslmode=hunter3")
    }
    #expect(error?.description.contains("hunter2") == false)
  }
}

@Suite("PostgreSQL URL: sslrootcert")
struct PostgresRootCertificateTests {
  @Test("sslrootcert names a PEM file read at once; a missing or empty one is refused naming it; system is the default")
  func rootCertificates() throws {
    #expect(try PostgresEventStore.Configuration(url: "postgres://u@h/db?sslrootcert=system").rootCertificates == nil)
    for path in ["/nonexistent/ca.pem", "/dev/null"] {
      #expect {
        try PostgresEventStore.Configuration(url: "postgres://u@h/db?sslmode=verify-full&sslrootcert=\(path)")
      } throws: { error in
        "\(error)".contains("sslrootcert \(path)") && "\(error)".contains("PEM")
      }
    }
  }
}
