import CohortAPI
import CohortCLI
import CohortClient
import CohortServer
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import Testing

/// Who may talk to the server, and how: TLS only, a valid token, a role that allows the call.
@Suite("Access over TLS with tokens")
struct SecurityEndToEndTests {
  @Test("calls without a token, or with a wrong one, are UNAUTHENTICATED; health needs none")
  func tokens() async throws {
    let server = try await TestServer.start()
    let noToken = server.settings(token: nil)
    try await noToken.withClient { client in
      let error = try await #require(throws: RPCError.self) {
        try await Cohort_V1_EnrollmentService.Client(wrapping: client).listCohorts(.init())
      }
      #expect(error.code == .unauthenticated)
      let health = try await Grpc_Health_V1_Health.Client(wrapping: client).check(.init())
      #expect(health.status == .serving)
      let reflection = try await #require(throws: RPCError.self) {
        try await Cohort_V1_AdminService.Client(wrapping: client).whoAmI(.init())
      }
      #expect(reflection.code == .unauthenticated)
    }
    try await server.settings(token: "cohort_not-a-real-token").withClient { client in
      let error = try await #require(throws: RPCError.self) {
        try await Cohort_V1_AdminService.Client(wrapping: client).whoAmI(.init())
      }
      #expect(error.code == .unauthenticated)
    }
    let cli = try await cohortFailure("whoami", in: Session(settings: noToken))
    #expect(cli.exitCode == 26)
    try await server.stop()
  }

  @Test("a plaintext client is refused, and so is a client that does not trust the server's CA")
  func tlsOnly() async throws {
    let server = try await TestServer.start()
    let plaintext = try HTTP2ClientTransport.Posix(
      target: .ipv4(address: server.info.host, port: server.info.port), transportSecurity: .plaintext)
    try await withGRPCClient(transport: plaintext) { client in
      let error = try await #require(throws: RPCError.self) {
        try await Grpc_Health_V1_Health.Client(wrapping: client).check(
          .init(), options: Self.fiveSeconds)
      }
      #expect(error.code == .unavailable || error.code == .deadlineExceeded)
    }
    // The system's roots do not include cohortd's development CA.
    let untrusting = ClientSettings(address: server.address, caCertificatePath: nil, token: try server.ownerToken)
    try await untrusting.withClient { client in
      let error = try await #require(throws: RPCError.self) {
        try await Grpc_Health_V1_Health.Client(wrapping: client).check(
          .init(), options: Self.fiveSeconds)
      }
      #expect(error.code == .unavailable || error.code == .deadlineExceeded)
    }
    try await server.stop()
  }

  static var fiveSeconds: CallOptions {
    var options = CallOptions.defaults
    options.timeout = .seconds(5)
    return options
  }

  @Test("the owner issues tokens; roles limit what a token may do")
  func roles() async throws {
    let server = try await TestServer.start()
    let owner = try server.ownerSession()
    let whoami = try await cohort("whoami", "--output", "json", in: owner)
    let me = try Cohort_V1_WhoAmIReply(jsonString: whoami)
    #expect(me.role == .owner && me.tenantName == "AI 스터디 커뮤니티")

    let issued = try Cohort_V1_IssueTokenReply(
      jsonString: try await cohort(
        "tokens", "issue", "--role", "staff", "--label", "staff: 박서연", "--output", "json", in: owner))
    let staff = Session(settings: server.settings(token: issued.token))
    _ = try await cohort(
      "cohorts", "schedule", "--number", "1", "--title", "1기", "--price", "0", "--capacity", "5",
      "--starts", "2026-01-01", "--ends", "2026-02-01", in: staff)
    let staffIssuing = try await cohortFailure("tokens", "issue", "--role", "owner", "--label", "sneaky", in: staff)
    #expect(staffIssuing.exitCode == 17)  // PERMISSION_DENIED

    let member = try Cohort_V1_IssueTokenReply(
      jsonString: try await cohort(
        "tokens", "issue", "--role", "member", "--label", "member: 김민지", "--output", "json", in: owner))
    let memberSession = Session(settings: server.settings(token: member.token))
    #expect(try await cohort("cohorts", "list", in: memberSession).contains("1기"))
    let memberScheduling = try await cohortFailure(
      "cohorts", "schedule", "--number", "2", "--title", "2기", "--price", "0", "--capacity", "5",
      "--starts", "2026-01-01", "--ends", "2026-02-01", in: memberSession)
    #expect(memberScheduling.exitCode == 17)
    let roster = try await cohortFailure("cohorts", "show", "1", in: memberSession)
    #expect(roster.exitCode == 17)
    try await server.stop()
  }

  @Test("reflection lists the services and serves their descriptors")
  func reflection() async throws {
    let server = try await TestServer.start()
    try await server.settings(token: try server.ownerToken).withClient { client in
      let reflection = Grpc_Reflection_V1_ServerReflection.Client(wrapping: client)
      let requests: [Grpc_Reflection_V1_ServerReflectionRequest] = [
        .with { $0.listServices = "*" },
        .with { $0.fileContainingSymbol = "cohort.v1.EnrollmentService" },
        .with { $0.fileByFilename = "no/such.proto" },
      ]
      let responses = try await reflection.serverReflectionInfo(
        requestProducer: { writer in try await writer.write(contentsOf: requests) },
        onResponse: { response in try await response.messages.reduce(into: []) { $0.append($1) } })
      #expect(responses.count == 3)
      let services = responses[0].listServicesResponse.service.map(\.name)
      #expect(services.contains("cohort.v1.EnrollmentService") && services.contains("grpc.health.v1.Health"))
      let files = responses[1].fileDescriptorResponse.fileDescriptorProto
      #expect(files.count >= 2)  // the file and its imports
      #expect(responses[2].errorResponse.errorCode == Int32(RPCError.Code.notFound.rawValue))

      // The older v1alpha protocol, which many tools still use, gives the same answers.
      let alpha = try await Grpc_Reflection_V1alpha_ServerReflection.Client(wrapping: client).serverReflectionInfo(
        requestProducer: { writer in try await writer.write(.with { $0.listServices = "*" }) },
        onResponse: { response in try await response.messages.reduce(into: []) { $0.append($1) } })
      #expect(
        alpha.first?.listServicesResponse.service.map(\.name) == responses[0].listServicesResponse.service.map(\.name))
    }
    try await server.stop()
  }

  @Test("a port already in use ends start-up with an error that says so")
  func portInUse() async throws {
    let first = try await TestServer.start()
    let error = await #expect(throws: (any Error).self) {
      _ = try await TestServer.start { $0.port = first.info.port }
    }
    #expect("\(error.map { "\($0)" } ?? "")".contains("already in use"))
    try await first.stop()
  }

  @Test("an oversized request is refused without harm")
  func oversized() async throws {
    let server = try await TestServer.start { $0.maximumRequestBytes = 64 * 1024 }
    try await server.settings(token: try server.ownerToken).withClient { client in
      let enrollment = Cohort_V1_EnrollmentService.Client(wrapping: client)
      var request = EnrollmentEndToEndTests.schedule(number: 1, capacity: 5)
      request.title = String(repeating: "가", count: 100_000)
      let error = try await #require(throws: RPCError.self) { try await enrollment.scheduleCohort(request) }
      // grpc-swift's transport resets just that stream (the client sees it as UNAVAILABLE); the
      // connection stays up and nothing was written, as the next call shows.
      #expect(error.code == .resourceExhausted || error.code == .unavailable, "\(error)")
      let list = try await enrollment.listCohorts(.init())
      #expect(list.cohorts.isEmpty)
    }
    try await server.stop()
  }

  @Test("the data directory is 0700 and its files 0600, even when someone else made them open")
  func privateDataDirectory() async throws {
    let directory = TestServer.temporaryDirectory()
    let files = FileManager.default
    // As a careless setup leaves them: a world-readable directory, and an empty database file
    // any user may read and write.
    for path in [directory, directory + "/tls"] {
      try files.createDirectory(atPath: path, withIntermediateDirectories: true)
      try files.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }
    _ = files.createFile(atPath: directory + "/cohort.sqlite", contents: nil, attributes: [.posixPermissions: 0o666])
    let server = try await TestServer.start(directory: directory)
    _ = try await cohort(
      "people", "add", "--name", "김민지", "--email", "minji@example.com", in: try server.ownerSession())
    func mode(_ path: String) throws -> Int? {
      try files.attributesOfItem(atPath: directory + "/" + path)[.posixPermissions] as? Int
    }
    #expect(try mode("") == 0o700)
    #expect(try mode("tls") == 0o700)
    for file in ["cohort.sqlite", "cohort.sqlite-wal", "owner.token", "tls/server-key.pem"]
    where files.fileExists(atPath: directory + "/" + file) {
      #expect(try mode(file) == 0o600, "\(file)")
    }
    #expect(files.fileExists(atPath: directory + "/cohort.sqlite-wal"))
    try await server.stop()
  }

  @Test("a restart keeps every fact and the owner's token; a lost token can be replaced on the server")
  func restart() async throws {
    let directory = TestServer.temporaryDirectory()
    let first = try await TestServer.start(directory: directory)
    let token = try first.ownerToken
    let session = try first.ownerSession()
    _ = try await cohort(
      "cohorts", "schedule", "--number", "9", "--title", "9기", "--price", "200000", "--capacity", "300",
      "--starts", "2026-12-01", "--ends", "2027-01-31", in: session)
    try await first.stop()

    let second = try await TestServer.start(directory: directory)
    #expect(try second.ownerToken == token)
    let again = try second.ownerSession()
    #expect(try await cohort("cohorts", "list", in: again).contains("9기"))
    try await second.stop()

    // An owner who lost the token gets a new one on the server (`cohortd owner-token`); the one
    // it replaces is revoked, unless kept on purpose.
    var logger = Logger(label: "recovery")
    logger.logLevel = .warning
    let replaced = try await OwnerTokenRecovery.run(ServerConfiguration(dataDirectory: directory), logger: logger)
    #expect(replaced.revoked == 1)
    #expect(!FileManager.default.fileExists(atPath: replaced.tokenPath + ".pending"))
    let third = try await TestServer.start(directory: directory)
    let recovered = try third.ownerToken
    #expect(recovered != token)
    let whoami = try Cohort_V1_WhoAmIReply(
      jsonString: try await cohort(
        "whoami", "--output", "json", in: Session(settings: third.settings(token: recovered))))
    #expect(whoami.role == .owner)
    let refused = try await #require(throws: CLIError.self) {
      try await cohort("cohorts", "list", in: Session(settings: third.settings(token: token)))
    }
    #expect(refused.description.contains("revoked"), "\(refused.description)")
    try await third.stop()

    let kept = try await OwnerTokenRecovery.run(
      ServerConfiguration(dataDirectory: directory), keepOtherOwnerTokens: true, logger: logger)
    #expect(kept.revoked == 0)
    let fourth = try await TestServer.start(directory: directory)
    #expect(
      try await cohort("cohorts", "list", in: Session(settings: fourth.settings(token: recovered))).contains("9기"))
    #expect(
      try await cohort("cohorts", "list", in: Session(settings: fourth.settings(token: fourth.ownerToken))).contains(
        "9기"))
    try await fourth.stop()
  }
}
