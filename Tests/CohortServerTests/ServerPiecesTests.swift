import CohortAPI
import CohortDomain
import Crypto
import EventStore
import Foundation
import Testing
import X509

@testable import CohortServer

#if canImport(Glibc)
  import Glibc
#endif

@Suite("Server pieces")
struct ServerPiecesTests {
  @Test("cohortd raises its open-file limit to the hard limit, and names a limit too low for the connection cap")
  func openFileLimit() throws {
    var limit = rlimit()
    try #require(getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0)
    let hard = UInt64(limit.rlim_max)
    // Lower this process's soft limit a little, as a service manager's default would be lower.
    var lowered = limit
    lowered.rlim_cur = min(limit.rlim_cur, limit.rlim_max) - 1
    try #require(setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &lowered) == 0)
    let raised = try #require(OpenFileLimit.raise())
    #expect(raised.soft == hard && raised.hard == hard)

    #expect(OpenFileLimit.shortfall(soft: 20_000, connections: 1_024) == nil)
    let short = try #require(OpenFileLimit.shortfall(soft: 1_024, connections: 1_024))
    #expect(short.contains("1024") && short.contains("1280") && short.contains("LimitNOFILE"), "\(short)")
  }

  @Test("a refusal's message fits in 1,000 bytes of UTF-8 whatever it quotes, cut at a character")
  func boundedMessages() {
    let marks = "e" + String(repeating: "\u{301}", count: 5_000)
    for message in [String(repeating: "가", count: 2_000), marks, "short"] {
      let bounded = DomainError(.invalidArgument(field: "name"), message).rpcErrorMessage
      #expect(bounded.utf8.count <= 1_000)
      #expect(message == "short" ? bounded == "short" : bounded.hasSuffix("…"))
      #expect(message.hasPrefix(bounded.dropLast()))
    }
  }

  @Test("the database URL: no password on the command line (ps shows it); a file or the environment holds it")
  func databaseURL() throws {
    let secret = "postgres://cohort:s3cret@db.example.org/cohort?sslmode=verify-full"
    let refused = #expect(throws: ConfigurationError.self) {
      try ServerConfiguration.databaseURL(flag: secret, file: nil, environment: [:])
    }
    #expect(refused?.description.contains("--database-url-file") == true)
    let plain = "postgres://cohort@db.example.org/cohort"
    #expect(
      try ServerConfiguration.databaseURL(flag: plain, file: nil, environment: ["COHORT_DATABASE_URL": secret]) == plain
    )
    let file = NSTemporaryDirectory() + "cohort-url-\(UUID().uuidString)"
    try (secret + "\n").write(toFile: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: file) }
    #expect(try ServerConfiguration.databaseURL(flag: nil, file: file, environment: [:]) == secret)
    #expect(
      try ServerConfiguration.databaseURL(flag: nil, file: nil, environment: ["COHORT_DATABASE_URL_FILE": file])
        == secret)
    #expect(try ServerConfiguration.databaseURL(flag: nil, file: nil, environment: ["DATABASE_URL": secret]) == secret)
    #expect(try ServerConfiguration.databaseURL(flag: nil, file: nil, environment: ["COHORT_DATABASE_URL": ""]) == nil)
    #expect(throws: ConfigurationError.self) {
      try ServerConfiguration.databaseURL(flag: nil, file: file + ".missing", environment: [:])
    }
  }

  @Test("page tokens round-trip and foreign ones are refused with the field named")
  func pageTokens() throws {
    #expect(try PageToken.decode(PageToken.encode(42)) == 42)
    #expect(try PageToken.decode("") == 0)
    for bad in ["garbage!", "bjo=", "bjotMQ=="] {
      let error = #expect(throws: DomainError.self) { try PageToken.decode(bad) }
      #expect(error?.kind == .invalidArgument(field: "page_token"))
    }
    #expect(throws: DomainError.self) { try PageToken.pageSize(501) }
    #expect(try PageToken.pageSize(0) == PageToken.defaultPageSize)
  }

  @Test("cohort and member ids are stable per tenant, and e-mails are matched without case or spaces")
  func deterministicIDs() throws {
    let tenant = UUID()
    #expect(CohortStreams.cohortID(tenantID: tenant, number: 9) == CohortStreams.cohortID(tenantID: tenant, number: 9))
    #expect(CohortStreams.cohortID(tenantID: tenant, number: 9) != CohortStreams.cohortID(tenantID: UUID(), number: 9))
    #expect(
      CohortStreams.legacyMemberID(tenantID: tenant, email: " Minji@Example.com ")
        == CohortStreams.legacyMemberID(tenantID: tenant, email: "minji@example.com"))
    // Person (and member) ids: a keyed hash, the same per secret, tenant and e-mail, and nothing like the plain one.
    let identity = PersonIdentity(secret: .random())
    let minji = identity.personID(tenantID: tenant, email: try PersonFields.email(" Minji@Example.com "))
    #expect(minji == identity.personID(tenantID: tenant, email: "minji@example.com"))
    #expect(minji != identity.personID(tenantID: UUID(), email: "minji@example.com"))
    #expect(minji != PersonIdentity(secret: .random()).personID(tenantID: tenant, email: "minji@example.com"))
    #expect(minji != CohortStreams.legacyMemberID(tenantID: tenant, email: "minji@example.com"))
    let stream = CohortStreams.stream(tenantID: tenant, cohortID: CohortStreams.cohortID(tenantID: tenant, number: 9))
    #expect(CohortStreams.cohortID(of: stream) == CohortStreams.cohortID(tenantID: tenant, number: 9))
  }

  @Test("tokens are long, random, URL-safe, and looked up only by hash")
  func tokens() {
    let tokens = (0..<100).map { _ in Token.generate() }
    #expect(Set(tokens).count == 100)
    #expect(tokens.allSatisfy { $0.hasPrefix("cohort_") && $0.count == 50 })
    #expect(tokens.allSatisfy { $0.allSatisfy { $0.isLetter || $0.isNumber || "_-".contains($0) } })
    var registry = AccessRegistry()
    let tenantID = UUID()
    let issued = TokenIssued(
      tokenID: UUID(), role: .staff, secretHash: AccessRegistry.hash(tokens[0]), label: "staff", at: Date())
    registry.add(issued, tenantID: tenantID)
    let principal = Principal(tenantID: tenantID, role: .staff, tokenID: issued.tokenID, label: "staff")
    #expect(registry.principal(forToken: tokens[0]) == principal)
    #expect(registry.principal(forToken: tokens[1]) == nil)
  }

  @Test("the development CA signs a server certificate for the local names, kept across restarts")
  func developmentCertificates() throws {
    let directory = NSTemporaryDirectory() + "cohort-tls-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let files = DevelopmentCertificates(directory: directory)
    #expect(try files.ensure(hosts: ["localhost", "127.0.0.1", "::1"]))
    #expect(try !files.ensure(hosts: ["localhost", "127.0.0.1"]), "valid files are reused")
    let ca = try Certificate(pemEncoded: String(contentsOfFile: files.caCertificatePath, encoding: .utf8))
    let server = try Certificate(pemEncoded: String(contentsOfFile: files.certificatePath, encoding: .utf8))
    #expect(server.issuer == ca.subject)
    #expect(try ca.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
    let names = try #require(try server.extensions.subjectAlternativeNames)
    #expect(names.contains(.dnsName("localhost")))
    let key = try FileManager.default.attributesOfItem(atPath: files.privateKeyPath)[.posixPermissions] as? Int
    #expect(key == 0o600)
    #expect(try files.ensure(hosts: ["localhost", "cohort.example.org"]), "a new host name renews the certificate")
  }

  @Test("a development set left inconsistent (a crash between its files) is made again")
  func inconsistentDevelopmentCertificates() throws {
    let directory = NSTemporaryDirectory() + "cohort-tls-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let files = DevelopmentCertificates(directory: directory)
    let hosts = ["localhost", "127.0.0.1"]
    try files.ensure(hosts: hosts)
    let other = NSTemporaryDirectory() + "cohort-tls-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
    let another = DevelopmentCertificates(directory: other)
    try another.ensure(hosts: hosts)
    func contents(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }
    // A key that is not the certificate's, then a CA that did not sign it: each is noticed.
    for (path, replacement) in [
      (files.privateKeyPath, another.privateKeyPath), (files.caCertificatePath, another.caCertificatePath),
    ] {
      try contents(replacement).write(toFile: path, atomically: true, encoding: .utf8)
      #expect(try files.ensure(hosts: hosts), "\(path) replaced: made again")
      #expect(try !files.ensure(hosts: hosts), "and consistent afterwards")
      let key = try P256.Signing.PrivateKey(pemRepresentation: contents(files.privateKeyPath))
      let certificate = try Certificate(pemEncoded: contents(files.certificatePath))
      let ca = try Certificate(pemEncoded: contents(files.caCertificatePath))
      #expect(Certificate.PublicKey(key.publicKey) == certificate.publicKey)
      #expect(ca.publicKey.isValidSignature(certificate.signature, for: certificate))
    }
    try "-----BEGIN CERTIFICATE-----\nhalf".write(toFile: files.certificatePath, atomically: true, encoding: .utf8)
    #expect(try files.ensure(hosts: hosts), "a half-written certificate: made again")
  }

  @Test("reflection's index finds services, symbols and files with their imports")
  func descriptorIndex() throws {
    let index = try DescriptorIndex(serializedSet: try #require(Data(base64Encoded: cohortAPIDescriptorSetBase64)))
    #expect(index.services.contains("cohort.v1.EnrollmentService"))
    #expect(index.fileName(containing: "cohort.v1.EnrollmentService.Enroll") == "cohort/v1/enrollment.proto")
    #expect(index.fileName(containing: "cohort.v1.EnrollReply.Outcome") == "cohort/v1/enrollment.proto")
    let files = try #require(try index.serializedFileWithDependencies("cohort/v1/enrollment.proto"))
    #expect(files.count == 4)  // enrollment, common, people, google/protobuf/timestamp
  }

  @Test("a lock per key runs holders of one key one at a time")
  func keyedLock() async throws {
    let lock = KeyedLock<String>()
    let counter = Counter()
    try await withThrowingTaskGroup(of: Void.self) { group in
      for _ in 0..<50 {
        group.addTask {
          try await lock.withLock("cohort-9") {
            let inside = await counter.enter()
            #expect(inside == 1)
            try await Task.sleep(for: .microseconds(100))
            await counter.leave()
          }
        }
      }
      try await group.waitForAll()
    }
    #expect(await counter.maximum == 1)
  }

  @Test("a caller cancelled while it waits for a key leaves the queue; the next one still gets the key")
  func keyedLockCancellation() async throws {
    let lock = KeyedLock<String>()
    let holding = AsyncStream<Void>.makeStream()
    let release = AsyncStream<Void>.makeStream()
    let holder = Task {
      try await lock.withLock("cohort-9") {
        holding.continuation.yield()
        for await _ in release.stream { break }
      }
    }
    for await _ in holding.stream { break }
    let abandoned = Task { try await lock.withLock("cohort-9") { "ran" } }
    let next = Task { try await lock.withLock("cohort-9") { "ran" } }
    try await Task.sleep(for: .milliseconds(50))
    abandoned.cancel()
    try await Task.sleep(for: .milliseconds(50))
    // Released only now, so that a lock that ignored the cancellation would run it (and fail
    // the expectation below) rather than hang the test.
    release.continuation.yield()
    await #expect(throws: CancellationError.self) { try await abandoned.value }
    try await holder.value
    #expect(try await next.value == "ran")
  }
}

actor Counter {
  private var current = 0
  private(set) var maximum = 0

  func enter() -> Int {
    current += 1
    maximum = max(maximum, current)
    return current
  }

  func leave() { current -= 1 }
}

@Suite("Fast UUID parsing")
struct UUIDParsingTests {
  @Test("agrees with Foundation on canonical UUIDs in either case")
  func agrees() {
    for _ in 0..<1_000 {
      let uuid = UUID()
      #expect(UUID(canonical: uuid.uuidString) == uuid)
      #expect(UUID(canonical: uuid.uuidString.lowercased()) == uuid)
    }
  }

  @Test(
    "refuses anything else",
    arguments: [
      "", "not-a-uuid", "e15871f8-5627-5f5b-b4c3-d1698aa7d55", "e15871f8-5627-5f5b-b4c3-d1698aa7d5599",
      "e15871f8x5627-5f5b-b4c3-d1698aa7d559", "g15871f8-5627-5f5b-b4c3-d1698aa7d559",
      "김15871f8-5627-5f5b-b4c3-d1698aa7d",
    ])
  func refuses(text: String) {
    #expect(UUID(canonical: text) == nil)
  }
}
