import CohortAPI
import CohortDomain
import CohortMapping
import EventStore
import Foundation
import GRPCCore
import GRPCInProcessTransport
import Logging
import Projections
import SwiftProtobuf
import Testing

@testable import CohortServer

/// The real services, interceptor and pipeline over gRPC's in-process transport and an in-memory
/// store: each handler's answers as status codes, without TLS or a socket.
@Suite("Pipeline over gRPC in process")
struct InProcessPipelineTests {
  /// Runs `body` with a client of a server on `store`, as the owner of a tenant seeded in it.
  /// `seed` writes what the log held before the server started, in the tenant it is given.
  func withServer(
    store: FaultyStore = FaultyStore(),
    seed: (FaultyStore, UUID) async throws -> Void = { _, _ in },
    _ body: (Cohort_V1_EnrollmentService.Client<InProcessTransport.Client>, Metadata) async throws -> Void
  ) async throws {
    try await withClient(store: store, seed: seed) { client, metadata in
      try await body(Cohort_V1_EnrollmentService.Client(wrapping: client), metadata)
    }
  }

  /// ``withServer(store:seed:_:)`` with the client itself, for any service.
  func withClient(
    store: FaultyStore = FaultyStore(),
    seed: (FaultyStore, UUID) async throws -> Void = { _, _ in },
    _ body: (GRPCClient<InProcessTransport.Client>, Metadata) async throws -> Void
  ) async throws {
    let token = Token.generate()
    let tenantID = UUID()
    _ = try await store.append(
      AccessEventCodec.newTenant(.init(id: tenantID, name: "Community"), ownerToken: token, label: "owner", at: Date()),
      to: AccessEventCodec.tenantStream(tenantID), expecting: .noStream)
    try await seed(store, tenantID)
    let core = ServerCore(store: store, keys: InMemoryKeyStore(), logger: Logger(label: "test"))
    let readModel = core.readModel
    let transport = InProcessTransport()
    let server = try CohortServer.grpcServer(
      transport: transport.server, core: core, identity: PersonIdentity(secret: .random()),
      health: HealthService(services: []),
      reads: ReadConsistency(limit: .seconds(5), maximumWaiting: 100), tails: AdminService.tails(maximum: 8))
    var metadata: Metadata = [:]
    metadata.addString("Bearer \(token)", forKey: "authorization")
    try await withThrowingDiscardingTaskGroup { group in
      group.addTask { try await readModel.run() }
      group.addTask { try await server.serve() }
      try await withGRPCClient(transport: transport.client) { client in
        #expect(await readModel.waitUntil(position: try await store.headPosition(), timeout: .seconds(5)))
        try await body(client, metadata)
      }
      server.beginGracefulShutdown()
      group.cancelAll()
    }
  }

  static func schedule(_ number: Int32 = 9, requestID: String = UUID().uuidString) -> Cohort_V1_ScheduleCohortRequest {
    .with {
      $0.requestID = requestID
      $0.number = number
      $0.title = "AI 활용 부트캠프 \(number)기"
      // A free cohort: nobody waits for a payment to be validated.
      $0.price = try! Money(amountMinor: 0, currency: .krw).proto
      $0.capacity = 1
      $0.startsOn = try! CalendarDate(iso: "2027-03-01").proto
      $0.endsOn = try! CalendarDate(iso: "2027-04-30").proto
    }
  }

  static func code(_ body: () async throws -> Void) async -> RPCError.Code? {
    do {
      try await body()
      return nil
    } catch let error as RPCError {
      return error.code
    } catch {
      return .unknown
    }
  }

  @Test("schedule, open, enroll, waitlist and read the roster at the reply's position")
  func happyPath() async throws {
    try await withServer { enrollment, owner in
      _ = try await enrollment.scheduleCohort(Self.schedule(), metadata: owner)
      _ = try await enrollment.openEnrollment(
        .with {
          $0.requestID = UUID().uuidString; $0.cohortNumber = 9
        }, metadata: owner)
      let first = try await enrollment.enroll(
        .with {
          $0.requestID = UUID().uuidString; $0.cohortNumber = 9; $0.name = "김민지"; $0.email = "minji@example.com"
        },
        metadata: owner)
      let second = try await enrollment.enroll(
        .with {
          $0.requestID = UUID().uuidString; $0.cohortNumber = 9; $0.name = "Alex"; $0.email = "alex@example.com"
        },
        metadata: owner)
      #expect(first.outcome == .enrolled && second.outcome == .waitlisted)
      let roster = try await enrollment.getCohort(
        .with {
          $0.cohortNumber = 9; $0.consistency.minPosition = second.reply.position
        }, metadata: owner)
      #expect(
        roster.members.map(\.email) == ["minji@example.com"] && roster.waitlist.map(\.email) == ["alex@example.com"])
    }
  }

  @Test("refusals answer NOT_FOUND, ALREADY_EXISTS or INVALID_ARGUMENT; a repeated request id gets the first answer")
  func refusalsAndReplay() async throws {
    try await withServer { enrollment, owner in
      let unscheduled = await Self.code {
        _ = try await enrollment.openEnrollment(
          .with {
            $0.requestID = UUID().uuidString; $0.cohortNumber = 9
          }, metadata: owner)
      }
      #expect(unscheduled == .notFound)
      let id = UUID().uuidString
      let first = try await enrollment.scheduleCohort(Self.schedule(requestID: id), metadata: owner)
      let again = try await enrollment.scheduleCohort(Self.schedule(requestID: id), metadata: owner)
      #expect(again.position == first.position && again.eventTypes.isEmpty)
      #expect(
        await Self.code { _ = try await enrollment.scheduleCohort(Self.schedule(), metadata: owner) } == .alreadyExists)
      #expect(
        await Self.code { _ = try await enrollment.scheduleCohort(Self.schedule(0), metadata: owner) }
          == .invalidArgument)
    }
  }

  @Test("conflicts on every attempt answer ABORTED; an unreachable store answers UNAVAILABLE")
  func conflictsAndOutage() async throws {
    let store = FaultyStore()
    try await withServer(store: store) { enrollment, owner in
      _ = try await enrollment.scheduleCohort(Self.schedule(), metadata: owner)
      let open = Cohort_V1_CohortCommandRequest.with {
        $0.requestID = UUID().uuidString; $0.cohortNumber = 9
      }
      store.failAppends(with: EventStoreError(.wrongExpectedVersion, "another writer"), times: .max)
      #expect(await Self.code { _ = try await enrollment.openEnrollment(open, metadata: owner) } == .aborted)
      store.failAppends(with: EventStoreError(.unavailable, "PostgreSQL is out of reach"), times: 1)
      #expect(await Self.code { _ = try await enrollment.openEnrollment(open, metadata: owner) } == .unavailable)
      // The retry with the same request id succeeds once the store is back.
      _ = try await enrollment.openEnrollment(open, metadata: owner)
    }
  }

  @Test(
    "members enrolled before members were people (contact in clear, schema version 1) still show and withdraw by e-mail"
  )
  func legacyMembers() async throws {
    let email = "minji@example.com"
    try await withServer(seed: { store, tenantID in
      let cohortID = CohortStreams.cohortID(tenantID: tenantID, number: 9)
      let stream = CohortStreams.stream(tenantID: tenantID, cohortID: cohortID)
      let at = Date(timeIntervalSince1970: 1_790_000_000)
      func event(_ message: some SwiftProtobuf.Message) throws -> EventData {
        EventData(
          id: UUID(), type: type(of: message).protoMessageName, schemaVersion: 1, data: try message.serializedBytes(),
          metadata: Data())
      }
      _ = try await store.append(
        [
          try event(
            Cohort_V1_Events_CohortScheduled.with {
              $0.cohortID = cohortID.lowercased
              $0.number = 9
              $0.title = "AI 활용 부트캠프 9기"
              $0.price = try! Money(amountMinor: 200_000, currency: .krw).proto
              $0.capacity = 1
              $0.startsOn = try! CalendarDate(iso: "2027-03-01").proto
              $0.endsOn = try! CalendarDate(iso: "2027-04-30").proto
              $0.at = .init(at)
            }),
          try event(Cohort_V1_Events_EnrollmentOpened.with { $0.at = .init(at) }),
          try event(
            Cohort_V1_Events_MemberEnrolled.with {
              $0.memberID = CohortStreams.legacyMemberID(tenantID: tenantID, email: email).lowercased
              $0.contact = .with {
                $0.name = "김민지"
                $0.email = email
              }
              $0.at = .init(at)
            }),
        ], to: stream, expecting: .noStream)
    }) { enrollment, owner in
      let roster = try await enrollment.getCohort(.with { $0.cohortNumber = 9 }, metadata: owner)
      #expect(roster.members.map(\.name) == ["김민지"] && roster.members.map(\.erased) == [false])
      let withdrawn = try await enrollment.withdraw(
        .with {
          $0.requestID = UUID().uuidString
          $0.cohortNumber = 9
          $0.email = " Minji@Example.com "
        }, metadata: owner)
      let after = try await enrollment.getCohort(
        .with {
          $0.cohortNumber = 9
          $0.consistency.minPosition = withdrawn.reply.position
        }, metadata: owner)
      #expect(!after.members.contains { $0.memberID == roster.members[0].memberID }, "the legacy member withdrew")
    }
  }

  @Test("rosters page with a cursor: members first, then the waitlist; a bad cursor or size is refused")
  func rosterPages() async throws {
    try await withServer { enrollment, owner in
      var schedule = Self.schedule()
      schedule.capacity = 3
      _ = try await enrollment.scheduleCohort(schedule, metadata: owner)
      _ = try await enrollment.openEnrollment(
        .with {
          $0.requestID = UUID().uuidString
          $0.cohortNumber = 9
        }, metadata: owner)
      var position: Int64 = 0
      for index in 1...5 {
        position = try await enrollment.enroll(
          .with {
            $0.requestID = UUID().uuidString
            $0.cohortNumber = 9
            $0.name = "수강생 \(index)"
            $0.email = "s\(index)@example.com"
          }, metadata: owner
        ).reply.position
      }
      var pages: [[String]] = []
      var token = ""
      repeat {
        let page = try await enrollment.getCohort(
          .with {
            $0.cohortNumber = 9
            $0.pageSize = 2
            $0.pageToken = token
            $0.consistency.minPosition = position
          }, metadata: owner)
        pages.append(page.members.map(\.name) + page.waitlist.map { "waiting " + $0.name })
        token = page.nextPageToken
      } while !token.isEmpty
      #expect(pages == [["수강생 1", "수강생 2"], ["수강생 3", "waiting 수강생 4"], ["waiting 수강생 5"]])
      let whole = try await enrollment.getCohort(.with { $0.cohortNumber = 9 }, metadata: owner)
      #expect(whole.members.count == 3 && whole.waitlist.count == 2 && whole.nextPageToken.isEmpty)
      let badSize = await Self.code {
        _ = try await enrollment.getCohort(
          .with {
            $0.cohortNumber = 9
            $0.pageSize = 5_001
          }, metadata: owner)
      }
      #expect(badSize == .invalidArgument)
      let badToken = await Self.code {
        _ = try await enrollment.getCohort(
          .with {
            $0.cohortNumber = 9
            $0.pageToken = "not a token"
          }, metadata: owner)
      }
      #expect(badToken == .invalidArgument)
    }
  }

  @Test("a transfer retried with its request id answers the first time's answer and moves nobody twice")
  func transferRetry() async throws {
    try await withServer { enrollment, owner in
      for number: Int32 in [9, 10] {
        _ = try await enrollment.scheduleCohort(Self.schedule(number), metadata: owner)
        _ = try await enrollment.openEnrollment(
          .with {
            $0.requestID = UUID().uuidString
            $0.cohortNumber = number
          }, metadata: owner)
      }
      _ = try await enrollment.enroll(
        .with {
          $0.requestID = UUID().uuidString
          $0.cohortNumber = 9
          $0.name = "김민지"
          $0.email = "minji@example.com"
        }, metadata: owner)
      let request = Cohort_V1_TransferMemberRequest.with {
        $0.requestID = UUID().uuidString
        $0.member = .with { $0.email = "minji@example.com" }
        $0.fromCohort = 9
        $0.toCohort = 10
      }
      let first = try await enrollment.transferMember(request, metadata: owner)
      var consistent = Cohort_V1_GetCohortRequest.with {
        $0.cohortNumber = 10
        $0.consistency.minPosition = first.reply.position
      }
      _ = try await enrollment.getCohort(consistent, metadata: owner)
      let retry = try await enrollment.transferMember(request, metadata: owner)
      #expect(retry.reply.position == first.reply.position && retry.reply.eventTypes.isEmpty)
      let ten = try await enrollment.getCohort(consistent, metadata: owner)
      consistent.cohortNumber = 9
      let nine = try await enrollment.getCohort(consistent, metadata: owner)
      #expect(ten.members.map(\.email) == ["minji@example.com"] && nine.members.isEmpty)
    }
  }

  @Test("an event this build cannot read stops its area only: UNAVAILABLE saying why, the other areas serve")
  func unreadableEventStopsItsArea() async throws {
    try await withClient(seed: { store, tenantID in
      // A group event from a newer server: a schema version this build does not know.
      _ = try await store.append(
        [EventData(id: UUID(), type: "cohort.v1.events.GroupCreated", schemaVersion: 99, data: Data([0xFF, 0x01]))],
        to: GroupsEventCodec.stream(tenantID: tenantID, cohortID: UUID()), expecting: .any)
    }) { client, owner in
      let groups = Cohort_V1_GroupsService.Client(wrapping: client)
      let refused = try await #require(throws: RPCError.self) {
        _ = try await groups.listGroups(.with { $0.cohortNumber = 9 }, metadata: owner)
      }
      #expect(refused.code == .unavailable, "\(refused)")
      #expect(refused.message.contains("groups read model stopped at log position"), "\(refused.message)")
      #expect(refused.message.contains("GroupCreated (schema version 99)"), "\(refused.message)")
      // Enrollment (and everything else) still folds and serves.
      let enrollment = Cohort_V1_EnrollmentService.Client(wrapping: client)
      let scheduled = try await enrollment.scheduleCohort(Self.schedule(), metadata: owner)
      let listed = try await enrollment.listCohorts(
        .with { $0.consistency.minPosition = scheduled.position }, metadata: owner)
      #expect(listed.cohorts.map(\.number) == [9])
    }
  }

  @Test("health answers NOT_SERVING for a stopped area's services, SERVING for the rest and the server")
  func healthOfStoppedAreas() async throws {
    let health = HealthService(services: CohortReadModel.cohortServices) { service in
      service == "cohort.v1.GroupsService" ? "the groups read model stopped" : nil
    }
    health.setServing()
    let context = ServerContext(
      descriptor: Grpc_Health_V1_Health.Method.Check.descriptor, remotePeer: "in-process", localPeer: "in-process",
      cancellation: .init())
    func status(_ service: String) async throws -> Grpc_Health_V1_HealthCheckResponse.ServingStatus {
      try await health.check(request: .with { $0.service = service }, context: context).status
    }
    #expect(try await status("cohort.v1.GroupsService") == .notServing)
    #expect(try await status("cohort.v1.EnrollmentService") == .serving)
    #expect(try await status("") == .serving)
    let allStopped = HealthService(services: CohortReadModel.cohortServices) { _ in "access stopped" }
    allStopped.setServing()
    #expect(try await allStopped.check(request: .with { $0.service = "" }, context: context).status == .notServing)
  }
}
