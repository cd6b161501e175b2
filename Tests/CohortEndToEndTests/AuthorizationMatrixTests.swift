import CohortAPI
import CohortClient
import CohortDomain
import CohortMapping
import EventStore
import EventStoreSQLite
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import Synchronization
import Testing

@testable import CohortServer

/// Every method the server serves × every kind of caller × their tenant, each answered with exactly
/// the status written here, over TLS. The expectations are this test's own, not read from
/// ``AccessPolicy``: a new RPC fails this test until someone writes down who may call it.
@Suite("Authorization matrix")
struct AuthorizationMatrixTests {
  typealias Role = Principal.Role

  /// Who may call a method (`nil`: anyone, without a token), and what an allowed caller of the
  /// second tenant gets when the request names the first tenant's resources. `own`: roles that
  /// may call it only for what is their own (the record of the person their token is bound to,
  /// the groups that person runs or is in), and `others` what they get for anything else.
  struct Expectation {
    var roles: Set<Role>?
    var fromOtherTenant: RPCError.Code?
    var own: Set<Role> = []
    var others: RPCError.Code? = .permissionDenied
    /// The handler checks whose it is before it looks anything up (else a caller of the second
    /// tenant meets `fromOtherTenant` first: what the request names is not in their tenant).
    var scopeFirst = false
  }

  static let managers: Set<Role> = [.owner, .staff]
  static let everyone: Set<Role> = [.owner, .staff, .partner, .member]

  static let expectations: [MethodDescriptor: Expectation] = {
    typealias Enrollment = Cohort_V1_EnrollmentService.Method
    typealias Admin = Cohort_V1_AdminService.Method
    typealias People = Cohort_V1_PeopleService.Method
    typealias Payments = Cohort_V1_PaymentsService.Method
    typealias Outreach = Cohort_V1_OutreachService.Method
    typealias Groups = Cohort_V1_GroupsService.Method
    return [
      Outreach.StartExperiment.descriptor: Expectation(roles: managers, fromOtherTenant: nil),
      Outreach.ConcludeExperiment.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Outreach.LogAttempt.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Outreach.UpdateAttempt.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Outreach.ListExperiments.descriptor: Expectation(roles: managers, fromOtherTenant: nil),
      Outreach.GetExperiment.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Outreach.ListAttempts.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Outreach.ListFollowups.descriptor: Expectation(roles: managers, fromOtherTenant: nil),
      People.RegisterPerson.descriptor: Expectation(roles: managers, fromOtherTenant: nil),
      People.RecordInterest.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      People.ForgetPerson.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      People.ListPeople.descriptor: Expectation(roles: managers, fromOtherTenant: nil),
      People.GetPerson.descriptor: Expectation(
        roles: managers, fromOtherTenant: .notFound, own: [.member], scopeFirst: true),
      Groups.CreateGroup.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Groups.UpdateGroup.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Groups.DissolveGroup.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Groups.PlaceMember.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Groups.BalanceGroups.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Groups.AddSession.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound, own: [.partner]),
      Groups.MarkAttendance.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound, own: [.partner]),
      Groups.AddPost.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound, own: [.partner]),
      Groups.AddPresentation.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound, own: [.partner]),
      // A partner or a member lists only their own groups: another's are not an error, just not listed.
      Groups.ListGroups.descriptor: Expectation(
        roles: managers, fromOtherTenant: .notFound, own: [.partner, .member], others: nil),
      Groups.GetGroup.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound, own: [.partner, .member]),
      Payments.ExpectPayment.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Payments.ConfirmTransfer.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Payments.RefundPayment.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Payments.ListPayments.descriptor: Expectation(roles: managers, fromOtherTenant: nil),
      Payments.GetPayment.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Payments.GetFunnel.descriptor: Expectation(roles: managers, fromOtherTenant: nil),
      Enrollment.ScheduleCohort.descriptor: Expectation(roles: managers, fromOtherTenant: nil),
      Enrollment.OpenEnrollment.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Enrollment.CloseEnrollment.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Enrollment.Enroll.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Enrollment.Withdraw.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Enrollment.ListCohorts.descriptor: Expectation(roles: everyone, fromOtherTenant: nil),
      Enrollment.GetCohort.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Enrollment.StartCohort.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Enrollment.CompleteCohort.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Enrollment.CancelCohort.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Enrollment.GrantDiscount.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Enrollment.GetCohortReport.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Enrollment.TransferMember.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      Admin.WhoAmI.descriptor: Expectation(roles: everyone, fromOtherTenant: nil),
      // Staff issue and revoke partner and member tokens (the matrix uses a member token).
      Admin.IssueToken.descriptor: Expectation(roles: managers, fromOtherTenant: nil),
      Admin.ListTokens.descriptor: Expectation(roles: managers, fromOtherTenant: nil),
      Admin.RevokeToken.descriptor: Expectation(roles: managers, fromOtherTenant: .notFound),
      // Another community's managers tail their own log: nothing of the first tenant's, and no error.
      Admin.TailEvents.descriptor: Expectation(roles: managers, fromOtherTenant: nil),
      Grpc_Health_V1_Health.Method.Check.descriptor: Expectation(roles: nil, fromOtherTenant: nil),
      Grpc_Health_V1_Health.Method.Watch.descriptor: Expectation(roles: nil, fromOtherTenant: nil),
      Grpc_Reflection_V1_ServerReflection.Method.ServerReflectionInfo.descriptor:
        Expectation(roles: everyone, fromOtherTenant: nil),
      Grpc_Reflection_V1alpha_ServerReflection.Method.ServerReflectionInfo.descriptor:
        Expectation(roles: everyone, fromOtherTenant: nil),
    ]
  }()

  /// A caller: the `authorization` header it sends (if any), its role and whether its token
  /// belongs to the tenant that owns the resources the requests name.
  struct Caller: CustomStringConvertible {
    var description: String
    var authorization: String?
    var role: Role?
    var ownTenant = true
    /// The person the token is bound to (registered in the token's tenant).
    var person: Cohort_V1_PersonRef?
  }

  @Test("every served method has a rule, and this test has an expectation for it")
  func coverage() throws {
    let served = Set(try CohortServer.servedMethods())
    #expect(served == Set(AccessPolicy.rules.keys), "methods served without an access rule, or rules for no method")
    #expect(served == Set(Self.expectations.keys), "methods this test has no expectation for")
  }

  @Test("every method × no, malformed or unknown token, each role × own or another tenant: the exact status")
  func matrix() async throws {
    let directory = TestServer.temporaryDirectory()
    // First start: the first tenant and its owner. Then a second tenant, seeded into the store.
    var server = try await TestServer.start(directory: directory)
    let ownerA = try server.ownerToken
    try await server.stop()
    let ownerB = try await Self.seedSecondTenant(in: directory)
    server = try await TestServer.start(directory: directory)
    let settings = server.settings(token: nil)

    try await settings.withClient { client in
      let matrix = Matrix(client: client, owner: "Bearer " + ownerA)
      var callers = [
        Caller(description: "no token", authorization: nil, role: nil),
        Caller(description: "malformed token", authorization: "Basic b3duZXI6cGFzc3dvcmQ=", role: nil),
        Caller(
          description: "unknown token", authorization: "Bearer cohort_" + String(repeating: "x", count: 43), role: nil),
      ]
      for (tenant, owner) in [("first", ownerA), ("second", ownerB)] {
        for role in [Role.owner, .staff, .partner, .member] {
          let token = role == .owner ? owner : try await matrix.issueToken(role: role, by: "Bearer " + owner)
          callers.append(
            Caller(
              description: "\(role.rawValue) of the \(tenant) tenant", authorization: "Bearer " + token, role: role,
              ownTenant: tenant == "first"))
        }
        // A member and a partner whose tokens are bound to a person of their tenant: "own record /
        // another member", "own group / another group".
        for role in [Role.member, .partner] {
          let person = try await matrix.person(by: "Bearer " + owner)
          let bound = try await matrix.issueToken(role: role, by: "Bearer " + owner, person: person)
          callers.append(
            Caller(
              description: "\(role.rawValue) of the \(tenant) tenant bound to a person",
              authorization: "Bearer " + bound,
              role: role, ownTenant: tenant == "first", person: person))
        }
      }

      for (method, expectation) in Self.expectations.sorted(by: { "\($0.key)" < "\($1.key)" }) {
        for caller in callers {
          if let role = caller.role, expectation.own.contains(role), !(expectation.roles ?? []).contains(role) {
            // Their own, then another's; a token bound to nobody has nothing of its own. (What is a
            // group's own is set up in the first tenant, so the second tenant's callers try theirs
            // only where nothing needs setting up: their person's record.)
            if let person = caller.person,
              caller.ownTenant || method == Cohort_V1_PeopleService.Method.GetPerson.descriptor
            {
              let answer = try await matrix.call(method, as: caller.authorization, own: (person, role))
              #expect(
                answer == nil, "\(method) as \(caller), their own: expected OK, got \(answer.map { "\($0)" } ?? "OK")")
            }
            let answer = try await matrix.call(method, as: caller.authorization)
            let expected =
              caller.person == nil
              ? .permissionDenied
              : caller.ownTenant || expectation.scopeFirst ? expectation.others : expectation.fromOtherTenant
            #expect(
              answer == expected,
              "\(method) as \(caller), another's: expected \(expected.map { "\($0)" } ?? "OK"), got \(answer.map { "\($0)" } ?? "OK")"
            )
            continue
          }
          let expected: RPCError.Code?
          if let roles = expectation.roles {
            if let role = caller.role {
              expected =
                !roles.contains(role) ? .permissionDenied : caller.ownTenant ? nil : expectation.fromOtherTenant
            } else {
              expected = .unauthenticated
            }
          } else {
            expected = nil
          }
          let answer = try await matrix.call(method, as: caller.authorization)
          #expect(
            answer == expected,
            "\(method) as \(caller): expected \(expected.map { "\($0)" } ?? "OK"), got \(answer.map { "\($0)" } ?? "OK")"
          )
        }
      }
    }
    try await server.stop()
  }

  /// Appends a second tenant with an owner token to the (stopped) server's store; returns the token.
  static func seedSecondTenant(in directory: String) async throws -> String {
    let store = try await SQLiteEventStore.open(path: directory + "/cohort.sqlite", logger: Logger(label: "seed"))
    let tenantID = UUID()
    let token = Token.generate()
    _ = try await store.append(
      AccessEventCodec.newTenant(
        .init(id: tenantID, name: "Second community"), ownerToken: token, label: "owner of the second tenant",
        at: Date()),
      to: AccessEventCodec.tenantStream(tenantID), expecting: .noStream)
    await store.close()
    return token
  }
}

/// Calls each method with a request that an allowed caller of the first tenant may make, setting
/// up what it needs (a fresh cohort, a member) as the first tenant's owner.
private final class Matrix: Sendable {
  let client: GRPCClient<HTTP2ClientTransport.Posix>
  let owner: String
  private let counter = Mutex(100)

  init(client: GRPCClient<HTTP2ClientTransport.Posix>, owner: String) {
    self.client = client
    self.owner = owner
  }

  var enrollment: Cohort_V1_EnrollmentService.Client<HTTP2ClientTransport.Posix> { .init(wrapping: client) }
  var admin: Cohort_V1_AdminService.Client<HTTP2ClientTransport.Posix> { .init(wrapping: client) }
  var people: Cohort_V1_PeopleService.Client<HTTP2ClientTransport.Posix> { .init(wrapping: client) }
  var payments: Cohort_V1_PaymentsService.Client<HTTP2ClientTransport.Posix> { .init(wrapping: client) }
  var outreach: Cohort_V1_OutreachService.Client<HTTP2ClientTransport.Posix> { .init(wrapping: client) }
  var groups: Cohort_V1_GroupsService.Client<HTTP2ClientTransport.Posix> { .init(wrapping: client) }

  func next() -> Int32 {
    counter.withLock {
      $0 += 1; return Int32($0)
    }
  }

  func metadata(_ authorization: String?) -> Metadata {
    var metadata: Metadata = [:]
    if let authorization { metadata.addString(authorization, forKey: "authorization") }
    return metadata
  }

  func issueToken(
    role: Principal.Role, by authorization: String, person: Cohort_V1_PersonRef? = nil
  ) async throws -> String {
    try await admin.issueToken(
      .with {
        $0.requestID = UUID().uuidString
        $0.role = role.proto
        $0.label = "\(role.rawValue) for the matrix"
        if let person { $0.person = person }
      }, metadata: metadata(authorization)
    ).token
  }

  /// A scheduled cohort of the first tenant, opened if asked, with a member if asked.
  func cohort(open: Bool = false, member: String? = nil) async throws -> Int32 {
    let number = next()
    let owner = metadata(self.owner)
    _ = try await enrollment.scheduleCohort(schedule(number), metadata: owner)
    if open { _ = try await enrollment.openEnrollment(command(number), metadata: owner) }
    if let member { _ = try await enrollment.enroll(enroll(member, in: number), metadata: owner) }
    return number
  }

  /// A person registered in the first tenant (or the tenant of `authorization`), by their e-mail.
  func person(by authorization: String? = nil) async throws -> Cohort_V1_PersonRef {
    let email = "person\(next())@example.com"
    _ = try await people.registerPerson(register(email), metadata: metadata(authorization ?? owner))
    return .with { $0.email = email }
  }

  func register(_ email: String) -> Cohort_V1_RegisterPersonRequest {
    .with {
      $0.requestID = UUID().uuidString
      $0.name = "김민지"
      $0.email = email
      $0.phone = "010-1234-5678"
    }
  }

  func confirmTransfer(_ person: Cohort_V1_PersonRef, cohort: Int32) -> Cohort_V1_ConfirmTransferRequest {
    .with {
      $0.requestID = UUID().uuidString
      $0.person = person
      $0.cohortNumber = cohort
      $0.amount = try! Money(amountMinor: 200_000, currency: .krw).proto
      $0.reference = "국민 김민지"
    }
  }

  /// A validated payment of the first tenant (a bank transfer), by its id.
  func payment() async throws -> String {
    let reply = try await payments.confirmTransfer(
      confirmTransfer(try await person(), cohort: try await cohort()), metadata: metadata(owner))
    return reply.paymentID
  }

  /// An open cohort of the first tenant with one group run by `partner` (if given) and one
  /// enrolled member in it (`member`, or a new person).
  func group(
    partner: Cohort_V1_PersonRef? = nil, member: Cohort_V1_PersonRef? = nil
  ) async throws -> (cohort: Int32, group: String, member: Cohort_V1_PersonRef) {
    var member = member ?? .init()
    if member.email.isEmpty { member = try await person() }
    let number = try await cohort(open: true, member: member.email)
    let name = "G\(next())"
    _ = try await groups.createGroup(
      .with {
        $0.requestID = UUID().uuidString
        $0.cohortNumber = number
        $0.name = name
        if let partner { $0.partner = partner }
      }, metadata: metadata(owner))
    _ = try await groups.placeMember(
      .with {
        $0.requestID = UUID().uuidString
        $0.cohortNumber = number
        $0.member = member
        $0.group = name
      }, metadata: metadata(owner))
    return (number, name, member)
  }

  func groupRequest(
    _ number: Int32, _ group: String, _ change: (inout Cohort_V1_UpdateGroupRequest) -> Void
  ) -> Cohort_V1_UpdateGroupRequest {
    var request = Cohort_V1_UpdateGroupRequest.with {
      $0.requestID = UUID().uuidString
      $0.cohortNumber = number
      $0.group = group
    }
    change(&request)
    return request
  }

  func session(_ number: Int32, _ group: String) -> Cohort_V1_AddSessionRequest {
    .with {
      $0.requestID = UUID().uuidString
      $0.cohortNumber = number
      $0.group = group
      $0.date = try! CalendarDate(iso: "2027-03-05").proto
      $0.topic = "AI 활용"
      $0.mode = .offline
    }
  }

  func startExperiment() -> Cohort_V1_StartExperimentRequest {
    .with {
      $0.requestID = UUID().uuidString
      $0.hypothesis = "founders pay for automation"
      $0.offer = "automation, one session"
      $0.price = try! Money(amountMinor: 300_000, currency: .krw).proto
      $0.budget = 10
    }
  }

  /// An experiment of the first tenant, by its id.
  func experiment() async throws -> String {
    try await outreach.startExperiment(startExperiment(), metadata: metadata(owner)).experimentID
  }

  func logAttempt(in experiment: String) -> Cohort_V1_LogAttemptRequest {
    .with {
      $0.requestID = UUID().uuidString
      $0.experimentID = experiment
      $0.target = .with { $0.organisation = .with { $0.name = "회사" } }
      $0.channel = .call
      $0.outcome = .with { $0.kind = .noAnswer }
    }
  }

  func schedule(_ number: Int32) -> Cohort_V1_ScheduleCohortRequest {
    .with {
      $0.requestID = UUID().uuidString
      $0.number = number
      $0.title = "Cohort \(number)"
      $0.price = try! Money(amountMinor: 200_000, currency: .krw).proto
      $0.capacity = 30
      $0.startsOn = try! CalendarDate(iso: "2027-03-01").proto
      $0.endsOn = try! CalendarDate(iso: "2027-04-30").proto
    }
  }

  func command(_ number: Int32) -> Cohort_V1_CohortCommandRequest {
    .with {
      $0.requestID = UUID().uuidString
      $0.cohortNumber = number
    }
  }

  func enroll(_ email: String, in number: Int32) -> Cohort_V1_EnrollRequest {
    .with {
      $0.requestID = UUID().uuidString
      $0.cohortNumber = number
      $0.name = "Member"
      $0.email = email
      $0.free = "matrix"
    }
  }

  /// `nil` for OK, else the status code.
  /// `own`: a person and the role of their token: the request names what is theirs (their record,
  /// a group they run as a partner or are in as a member); else fresh resources of the first tenant.
  func call(
    _ method: MethodDescriptor, as authorization: String?,
    own: (person: Cohort_V1_PersonRef, role: Principal.Role)? = nil
  ) async throws -> RPCError.Code? {
    let record = own?.person
    let partner = own?.role == .partner ? own?.person : nil
    let member = own?.role == .member ? own?.person : nil
    let md = metadata(authorization)
    typealias Enrollment = Cohort_V1_EnrollmentService.Method
    typealias Admin = Cohort_V1_AdminService.Method
    typealias People = Cohort_V1_PeopleService.Method
    typealias Payments = Cohort_V1_PaymentsService.Method
    typealias Outreach = Cohort_V1_OutreachService.Method
    typealias Groups = Cohort_V1_GroupsService.Method
    do {
      switch method {
      case Groups.CreateGroup.descriptor:
        let number = try await cohort()
        _ = try await groups.createGroup(
          .with {
            $0.requestID = UUID().uuidString
            $0.cohortNumber = number
            $0.name = "G\(next())"
          }, metadata: md)
      case Groups.UpdateGroup.descriptor:
        let (number, group, _) = try await group()
        _ = try await groups.updateGroup(groupRequest(number, group) { $0.name = "renamed \(next())" }, metadata: md)
      case Groups.DissolveGroup.descriptor:
        let (number, group, _) = try await group()
        _ = try await groups.dissolveGroup(
          .with {
            $0.requestID = UUID().uuidString
            $0.cohortNumber = number
            $0.group = group
          }, metadata: md)
      case Groups.PlaceMember.descriptor:
        let (number, group, _) = try await group()
        let newcomer = try await person()
        _ = try await enrollment.enroll(enroll(newcomer.email, in: number), metadata: metadata(owner))
        _ = try await groups.placeMember(
          .with {
            $0.requestID = UUID().uuidString
            $0.cohortNumber = number
            $0.member = newcomer
            $0.group = group
          }, metadata: md)
      case Groups.BalanceGroups.descriptor:
        let (number, _, _) = try await group()
        _ = try await groups.balanceGroups(
          .with {
            $0.requestID = UUID().uuidString
            $0.cohortNumber = number
          }, metadata: md)
      case Groups.AddSession.descriptor:
        let (number, group, _) = try await group(partner: partner)
        _ = try await groups.addSession(session(number, group), metadata: md)
      case Groups.MarkAttendance.descriptor:
        let (number, group, attendee) = try await group(partner: partner)
        let session = try await groups.addSession(session(number, group), metadata: metadata(owner)).sessionID
        _ = try await groups.markAttendance(
          .with {
            $0.requestID = UUID().uuidString
            $0.cohortNumber = number
            $0.sessionID = session
            $0.present = [attendee]
          }, metadata: md)
      case Groups.AddPost.descriptor:
        let (number, _, writer) = try await group(partner: partner)
        _ = try await groups.addPost(
          .with {
            $0.requestID = UUID().uuidString
            $0.cohortNumber = number
            $0.member = writer
            $0.title = "AI로 보고서 쓰기"
            $0.url = "https://blog.example.com/1"
          }, metadata: md)
      case Groups.AddPresentation.descriptor:
        let (number, group, presenter) = try await group(partner: partner)
        let session = try await groups.addSession(session(number, group), metadata: metadata(owner)).sessionID
        _ = try await groups.addPresentation(
          .with {
            $0.requestID = UUID().uuidString
            $0.cohortNumber = number
            $0.member = presenter
            $0.sessionID = session
            $0.title = "업무 자동화"
          }, metadata: md)
      case Groups.ListGroups.descriptor:
        let (number, _, _) = try await group(partner: partner, member: member)
        _ = try await groups.listGroups(.with { $0.cohortNumber = number }, metadata: md)
      case Groups.GetGroup.descriptor:
        let (number, group, _) = try await group(partner: partner, member: member)
        _ = try await groups.getGroup(
          .with {
            $0.cohortNumber = number
            $0.group = group
          }, metadata: md)
      case Outreach.StartExperiment.descriptor:
        _ = try await outreach.startExperiment(startExperiment(), metadata: md)
      case Outreach.ConcludeExperiment.descriptor:
        let experiment = try await experiment()
        _ = try await outreach.concludeExperiment(
          .with {
            $0.requestID = UUID().uuidString
            $0.experimentID = experiment
            $0.result = .invalidated
            $0.learning = "matrix"
          }, metadata: md)
      case Outreach.LogAttempt.descriptor:
        _ = try await outreach.logAttempt(logAttempt(in: try await experiment()), metadata: md)
      case Outreach.UpdateAttempt.descriptor:
        let experiment = try await experiment()
        let attempt = try await outreach.logAttempt(logAttempt(in: experiment), metadata: metadata(owner)).attemptID
        _ = try await outreach.updateAttempt(
          .with {
            $0.requestID = UUID().uuidString
            $0.experimentID = experiment
            $0.attemptID = attempt
            $0.outcome = .with { $0.kind = .interested }
          }, metadata: md)
      case Outreach.ListExperiments.descriptor:
        _ = try await outreach.listExperiments(.init(), metadata: md)
      case Outreach.GetExperiment.descriptor:
        let experiment = try await experiment()
        _ = try await outreach.getExperiment(.with { $0.experimentID = experiment }, metadata: md)
      case Outreach.ListAttempts.descriptor:
        let experiment = try await experiment()
        _ = try await outreach.listAttempts(.with { $0.experimentID = experiment }, metadata: md)
      case Outreach.ListFollowups.descriptor:
        _ = try await outreach.listFollowups(.init(), metadata: md)
      case People.RegisterPerson.descriptor:
        _ = try await people.registerPerson(register("new\(next())@example.com"), metadata: md)
      case People.RecordInterest.descriptor:
        let person = try await person()
        let number = try await cohort()
        _ = try await people.recordInterest(
          .with {
            $0.requestID = UUID().uuidString
            $0.person = person
            $0.cohortNumber = number
            $0.channel = "open chat"
          }, metadata: md)
      case People.ForgetPerson.descriptor:
        let person = try await person()
        _ = try await people.forgetPerson(
          .with {
            $0.requestID = UUID().uuidString
            $0.person = person
          }, metadata: md)
      case People.ListPeople.descriptor:
        _ = try await people.listPeople(.init(), metadata: md)
      case People.GetPerson.descriptor:
        var person = record ?? .init()
        if record == nil { person = try await self.person() }
        _ = try await people.getPerson(.with { $0.person = person }, metadata: md)
      case Payments.ExpectPayment.descriptor:
        let person = try await person()
        let number = try await cohort()
        _ = try await payments.expectPayment(
          .with {
            $0.requestID = UUID().uuidString
            $0.person = person
            $0.cohortNumber = number
            $0.paymentID = "order-\(next())"
          }, metadata: md)
      case Payments.ConfirmTransfer.descriptor:
        let request = confirmTransfer(try await person(), cohort: try await cohort())
        _ = try await payments.confirmTransfer(request, metadata: md)
      case Payments.RefundPayment.descriptor:
        let payment = try await payment()
        _ = try await payments.refundPayment(
          .with {
            $0.requestID = UUID().uuidString
            $0.paymentID = payment
            $0.amount = try! Money(amountMinor: 1_000, currency: .krw).proto
            $0.reason = "matrix"
          }, metadata: md)
      case Payments.ListPayments.descriptor:
        _ = try await payments.listPayments(.init(), metadata: md)
      case Payments.GetPayment.descriptor:
        let payment = try await payment()
        _ = try await payments.getPayment(.with { $0.paymentID = payment }, metadata: md)
      case Payments.GetFunnel.descriptor:
        _ = try await payments.getFunnel(.init(), metadata: md)
      case Enrollment.StartCohort.descriptor:
        _ = try await enrollment.startCohort(command(try await cohort(open: true)), metadata: md)
      case Enrollment.CompleteCohort.descriptor:
        let number = try await cohort()
        _ = try await enrollment.startCohort(command(number), metadata: metadata(owner))
        _ = try await enrollment.completeCohort(command(number), metadata: md)
      case Enrollment.CancelCohort.descriptor:
        _ = try await enrollment.cancelCohort(command(try await cohort()), metadata: md)
      case Enrollment.GrantDiscount.descriptor:
        let person = try await person()
        let number = try await cohort(open: true)
        _ = try await enrollment.grantDiscount(
          .with {
            $0.requestID = UUID().uuidString
            $0.cohortNumber = number
            $0.person = person
            $0.percent = 10
            $0.reason = "matrix"
          }, metadata: md)
      case Enrollment.TransferMember.descriptor:
        let email = "transfer\(next())@example.com"
        let from = try await cohort(open: true, member: email)
        let to = try await cohort(open: true)
        _ = try await enrollment.transferMember(
          .with {
            $0.requestID = UUID().uuidString
            $0.member = .with { $0.email = email }
            $0.fromCohort = from
            $0.toCohort = to
          }, metadata: md)
      case Enrollment.GetCohortReport.descriptor:
        let number = try await cohort()
        _ = try await enrollment.getCohortReport(.with { $0.cohortNumber = number }, metadata: md)
      case Enrollment.ScheduleCohort.descriptor:
        _ = try await enrollment.scheduleCohort(schedule(next()), metadata: md)
      case Enrollment.OpenEnrollment.descriptor:
        _ = try await enrollment.openEnrollment(command(try await cohort()), metadata: md)
      case Enrollment.CloseEnrollment.descriptor:
        _ = try await enrollment.closeEnrollment(command(try await cohort(open: true)), metadata: md)
      case Enrollment.Enroll.descriptor:
        _ = try await enrollment.enroll(enroll("new@example.com", in: try await cohort(open: true)), metadata: md)
      case Enrollment.Withdraw.descriptor:
        let number = try await cohort(open: true, member: "leaving@example.com")
        _ = try await enrollment.withdraw(
          .with {
            $0.requestID = UUID().uuidString
            $0.cohortNumber = number
            $0.email = "leaving@example.com"
          }, metadata: md)
      case Enrollment.ListCohorts.descriptor:
        _ = try await enrollment.listCohorts(.init(), metadata: md)
      case Enrollment.GetCohort.descriptor:
        let number = try await cohort()
        _ = try await enrollment.getCohort(.with { $0.cohortNumber = number }, metadata: md)
      case Admin.WhoAmI.descriptor:
        _ = try await admin.whoAmI(.init(), metadata: md)
      case Admin.IssueToken.descriptor:
        _ = try await issueToken(role: .member, by: authorization ?? "")
      case Admin.ListTokens.descriptor:
        _ = try await admin.listTokens(.init(), metadata: md)
      case Admin.RevokeToken.descriptor:
        let issued = try await admin.issueToken(
          .with {
            $0.requestID = UUID().uuidString
            $0.role = .member
            $0.label = "to revoke"
          }, metadata: metadata(owner))
        _ = try await admin.revokeToken(
          .with {
            $0.requestID = UUID().uuidString
            $0.tokenID = issued.tokenID
          }, metadata: md)
      case Admin.TailEvents.descriptor:
        try await admin.tailEvents(.with { $0.last = 1 }, metadata: md) { response in
          for try await _ in response.messages {}
        }
      case Grpc_Health_V1_Health.Method.Check.descriptor:
        _ = try await Grpc_Health_V1_Health.Client(wrapping: client).check(.init(), metadata: md)
      case Grpc_Health_V1_Health.Method.Watch.descriptor:
        try await Grpc_Health_V1_Health.Client(wrapping: client).watch(.init(), metadata: md) { response in
          for try await _ in response.messages { break }
        }
      case Grpc_Reflection_V1_ServerReflection.Method.ServerReflectionInfo.descriptor:
        try await Grpc_Reflection_V1_ServerReflection.Client(wrapping: client).serverReflectionInfo(
          metadata: md, requestProducer: { try await $0.write(.with { $0.listServices = "" }) },
          onResponse: { response in for try await _ in response.messages { break } })
      case Grpc_Reflection_V1alpha_ServerReflection.Method.ServerReflectionInfo.descriptor:
        try await Grpc_Reflection_V1alpha_ServerReflection.Client(wrapping: client).serverReflectionInfo(
          metadata: md, requestProducer: { try await $0.write(.with { $0.listServices = "" }) },
          onResponse: { response in for try await _ in response.messages { break } })
      default:
        Issue.record("the matrix does not know how to call \(method)")
      }
      return nil
    } catch let error as RPCError {
      return error.code
    }
  }
}
