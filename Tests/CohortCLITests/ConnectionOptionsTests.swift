import CohortClient
import Foundation
import Testing

@testable import CohortCLI

@Suite("The CLI finds its server")
struct ConnectionOptionsTests {
  /// A data directory with a server.json and a token file, as a local cohortd leaves them.
  func localServer() throws -> String {
    let directory = NSTemporaryDirectory() + "cohort-cli-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try "cohort_local-owner\n".write(toFile: directory + "/owner.token", atomically: true, encoding: .utf8)
    try LocalServerInfo(
      host: "127.0.0.1", port: 7443, caCertificatePath: directory + "/tls/ca.pem",
      ownerTokenPath: directory + "/owner.token"
    ).save(toDataDirectory: directory)
    return directory
  }

  @Test("with no flags it uses the local server's address, CA and owner token")
  func local() throws {
    let directory = try localServer()
    let settings = try ConnectionOptions.parse([]).settings(environment: ["COHORT_HOME": directory, "HOME": directory])
    #expect(settings.address == ServerAddress(host: "127.0.0.1", port: 7443))
    #expect(settings.caCertificatePath == directory + "/tls/ca.pem")
    #expect(settings.token == "cohort_local-owner")
  }

  @Test("flags beat the environment, which beats the local server; a remote server never gets the local token")
  func precedence() throws {
    let directory = try localServer()
    let environment = ["COHORT_HOME": directory, "HOME": directory, "COHORT_SERVER": "cohort.example.org:9000"]
    let fromEnvironment = try ConnectionOptions.parse([]).settings(environment: environment)
    #expect(fromEnvironment.address == ServerAddress(host: "cohort.example.org", port: 9000))
    #expect(fromEnvironment.token == nil && fromEnvironment.caCertificatePath == nil)

    let fromFlags = try ConnectionOptions.parse(["--server", "[::1]:8443", "--token", "cohort_flag"])
      .settings(environment: environment)
    #expect(fromFlags.address == ServerAddress(host: "::1", port: 8443))
    #expect(fromFlags.token == "cohort_flag")
  }

  @Test("with nothing to go on it says how to start a server")
  func nothing() throws {
    let empty = NSTemporaryDirectory() + "cohort-cli-empty-" + UUID().uuidString
    let error = #expect(throws: CLIError.self) {
      try ConnectionOptions.parse([]).settings(environment: ["COHORT_HOME": empty, "HOME": empty])
    }
    #expect(error?.description.contains("swift run cohortd") == true)
    #expect(error?.exitCode == 24)
  }

  @Test(
    "addresses parse as people type them",
    arguments: [
      ("127.0.0.1:7443", "127.0.0.1", 7443), ("localhost", "localhost", 7443), ("[::1]:9", "::1", 9),
      ("cohort.example.org:443", "cohort.example.org", 443),
    ])
  func addresses(text: String, host: String, port: Int) {
    #expect(ServerAddress(parsing: text) == ServerAddress(host: host, port: port))
  }

  @Test("malformed addresses are refused", arguments: ["", ":7443", "host:", "host:99999", "[::1", "host:port"])
  func badAddresses(text: String) {
    #expect(ServerAddress(parsing: text) == nil)
  }
}
