import CohortAPI
import CohortCLI
import CohortClient
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCProtobuf
import Testing

/// The CLI's commands against a real server over TLS, on embedded SQLite.
@Suite("Enrollment end to end over TLS")
struct EnrollmentEndToEndTests {
  @Test("schedule, open, enroll to a waitlist, withdraw with promotion, list and show")
  func enrollmentFlow() async throws {
    let server = try await TestServer.start()
    let session = try server.ownerSession()

    #expect(try await cohort("cohorts", "list", in: session).contains("No cohorts yet"))
    let scheduled = try await cohort(
      "cohorts", "schedule", "--number", "9", "--title", "AI 활용 부트캠프 9기", "--price", "200,000",
      "--currency", "KRW", "--capacity", "2", "--starts", "2026-12-01", "--ends", "2027-01-31", in: session)
    #expect(scheduled == "Scheduled cohort 9 (200,000 KRW, 2 seats).")
    _ = try await cohort("cohorts", "open", "9", in: session)
    // A paid seat needs a validated payment: without one, staff give a scholarship or a free seat.
    let unpaid = try await cohortFailure("enroll", "9", "--name", "김민지", "--email", "minji@example.com", in: session)
    #expect(unpaid.exitCode == 19 && unpaid.description.contains("needs a validated payment of 200,000 KRW"))
    #expect(
      try await cohort(
        "enroll", "9", "--name", "김민지", "--email", "minji@example.com", "--scholarship", "커뮤니티 리더", in: session
      ).hasPrefix("Enrolled 김민지"))
    #expect(
      try await cohort(
        "enroll", "9", "--name", "Alex Kim", "--email", "Alex@Example.com ", "--free", "강사", in: session
      ).hasPrefix("Enrolled Alex Kim"))
    #expect(
      try await cohort(
        "enroll", "9", "--name", "박서연", "--email", "seoyeon@example.com", "--free", "운영진", in: session
      ).contains("waitlist"))

    let withdrawn = try await cohort(
      "withdraw", "9", "--email", "minji@example.com", "--reason", "moved abroad", in: session)
    #expect(withdrawn.contains("moved up from the waitlist"))

    let json = try await cohort("cohorts", "show", "9", "--output", "json", in: session)
    let reply = try Cohort_V1_GetCohortReply(jsonString: json)
    #expect(reply.cohort.status == .open)
    #expect(reply.cohort.seatsTaken == 2)
    #expect(reply.cohort.price.amountMinor == 200_000 && reply.cohort.price.currency == "KRW")
    #expect(reply.members.map(\.name) == ["Alex Kim", "박서연"])
    #expect(reply.members.map(\.email) == ["alex@example.com", "seoyeon@example.com"])
    #expect(reply.waitlist.isEmpty)

    let table = try await cohort("cohorts", "list", in: session)
    #expect(table.contains("AI 활용 부트캠프 9기") && table.contains("2/2") && table.contains("200,000 KRW"))

    _ = try await cohort("cohorts", "close", "9", in: session)
    let late = try await cohortFailure(
      "enroll", "9", "--name", "Late", "--email", "late@example.com", "--free", "late", in: session)
    #expect(late.exitCode == 19)  // FAILED_PRECONDITION
    #expect(late.description.contains("not open"))
    try await server.stop()
  }

  @Test("business errors come back as the right status, in words, with the field named")
  func errors() async throws {
    let server = try await TestServer.start()
    let session = try server.ownerSession()

    let missing = try await cohortFailure("cohorts", "open", "42", in: session)
    #expect(missing.exitCode == 15)  // NOT_FOUND

    _ = try await cohort(
      "cohorts", "schedule", "--number", "8", "--title", "8기", "--price", "0", "--capacity", "300",
      "--starts", "2026-10-01", "--ends", "2026-11-30", in: session)
    let twice = try await cohortFailure(
      "cohorts", "schedule", "--number", "8", "--title", "again", "--price", "0", "--capacity", "300",
      "--starts", "2026-10-01", "--ends", "2026-11-30", in: session)
    #expect(twice.exitCode == 16)  // ALREADY_EXISTS

    _ = try await cohort("cohorts", "open", "8", in: session)
    let badEmail = try await cohortFailure("enroll", "8", "--name", "X", "--email", "not-an-address", in: session)
    #expect(badEmail.exitCode == 13)  // INVALID_ARGUMENT
    #expect(badEmail.description.contains("(field: email)"))

    // The raw status carries a google.rpc.BadRequest naming the field, for programs.
    try await server.settings(token: try server.ownerToken).withClient { client in
      let enrollment = Cohort_V1_EnrollmentService.Client(wrapping: client)
      let error = try await #require(throws: RPCError.self) {
        try await enrollment.scheduleCohort(
          .with {
            $0.requestID = UUID().uuidString
            $0.number = 10
            $0.title = "10기"
            $0.price = .with {
              $0.amountMinor = 200_000
              $0.currency = "won"
            }
            $0.capacity = 300
            $0.startsOn = .with {
              $0.year = 2027; $0.month = 1; $0.day = 1
            }
            $0.endsOn = .with {
              $0.year = 2027; $0.month = 2; $0.day = 1
            }
          })
      }
      #expect(error.code == .invalidArgument)
      let status = try #require(try error.unpackGoogleRPCStatus())
      let fields = status.details.compactMap(\.badRequest).flatMap(\.violations).map(\.field)
      #expect(fields == ["price.currency"])

      let noRequestID = try await #require(throws: RPCError.self) {
        try await enrollment.openEnrollment(.with { $0.cohortNumber = 8 })
      }
      #expect(noRequestID.code == .invalidArgument)
      #expect(noRequestID.message.contains("request_id"))
    }
    try await server.stop()
  }

  @Test("a retried command (same request id) is applied once and answers the same")
  func retriesAreIdempotent() async throws {
    let server = try await TestServer.start()
    try await server.settings(token: try server.ownerToken).withClient { client in
      let enrollment = Cohort_V1_EnrollmentService.Client(wrapping: client)
      _ = try await enrollment.scheduleCohort(Self.schedule(number: 9, capacity: 300))
      _ = try await enrollment.openEnrollment(
        .with {
          $0.requestID = UUID().uuidString
          $0.cohortNumber = 9
        })
      let request = Cohort_V1_EnrollRequest.with {
        $0.requestID = UUID().uuidString
        $0.cohortNumber = 9
        $0.name = "이도윤"
        $0.email = "doyoon@example.com"
        $0.scholarship = "커뮤니티 리더"
      }
      let first = try await enrollment.enroll(request)
      let retry = try await enrollment.enroll(request)
      #expect(retry.reply.position == first.reply.position)
      #expect(retry.memberID == first.memberID && retry.outcome == .enrolled)
      #expect(retry.reply.eventTypes.isEmpty && !first.reply.eventTypes.isEmpty)

      // A new request for the same person is a duplicate, not a second seat, however the
      // address is spelled.
      var again = request
      again.requestID = UUID().uuidString
      again.email = " DoYoon@Example.com\r\n"
      let duplicate = try await #require(throws: RPCError.self) { try await enrollment.enroll(again) }
      #expect(duplicate.code == .alreadyExists)

      // The request id of the enrollment reused for something else is refused, not "replayed".
      var reused = request
      reused.email = "someone.else@example.com"
      let reusedForAnother = try await #require(throws: RPCError.self) { try await enrollment.enroll(reused) }
      #expect(reusedForAnother.code == .alreadyExists)
      let withdrawal = try await #require(throws: RPCError.self) {
        try await enrollment.withdraw(
          .with {
            $0.requestID = request.requestID
            $0.cohortNumber = 9
            $0.email = "doyoon@example.com"
          })
      }
      #expect(withdrawal.code == .alreadyExists)

      // An oversized value is refused in words, without being sent back whole.
      var huge = Self.schedule(number: 10, capacity: 5)
      huge.price.currency = String(repeating: "X", count: 20_000)
      let refused = try await #require(throws: RPCError.self) { try await enrollment.scheduleCohort(huge) }
      #expect(refused.code == .invalidArgument && refused.message.count < 300)

      let cohort = try await enrollment.getCohort(
        .with {
          $0.cohortNumber = 9
          $0.consistency.minPosition = first.reply.position
        })
      #expect(cohort.members.count == 1)
    }
    try await server.stop()
  }

  @Test("a query waits for the caller's position; one beyond the log's head is refused at once")
  func readYourWrites() async throws {
    // Long enough that a refusal after waiting would not be the answer looked for.
    let server = try await TestServer.start { $0.queryWaitLimit = .seconds(60) }
    try await server.settings(token: try server.ownerToken).withClient { client in
      let enrollment = Cohort_V1_EnrollmentService.Client(wrapping: client)
      let reply = try await enrollment.scheduleCohort(Self.schedule(number: 3, capacity: 20))
      let list = try await enrollment.listCohorts(.with { $0.consistency.minPosition = reply.position })
      #expect(list.cohorts.map(\.number) == [3])
      #expect(list.position >= reply.position)

      let future = try await #require(throws: RPCError.self) {
        try await enrollment.listCohorts(.with { $0.consistency.minPosition = reply.position + 1_000 })
      }
      #expect(future.code == .outOfRange && future.message.contains("beyond the log's head (\(reply.position))"))
    }
    try await server.stop()
  }

  @Test("cohorts page with a cursor")
  func paging() async throws {
    let server = try await TestServer.start()
    try await server.settings(token: try server.ownerToken).withClient { client in
      let enrollment = Cohort_V1_EnrollmentService.Client(wrapping: client)
      var last: Int64 = 0
      for number in 1...5 {
        last = try await enrollment.scheduleCohort(Self.schedule(number: Int32(number), capacity: 10)).position
      }
      var numbers: [Int32] = []
      var token = ""
      repeat {
        let page = try await enrollment.listCohorts(
          .with {
            $0.pageSize = 2
            $0.pageToken = token
            $0.consistency.minPosition = last
          })
        #expect(page.cohorts.count <= 2)
        numbers += page.cohorts.map(\.number)
        token = page.nextPageToken
      } while !token.isEmpty
      #expect(numbers == [1, 2, 3, 4, 5])

      let bad = try await #require(throws: RPCError.self) {
        try await enrollment.listCohorts(.with { $0.pageToken = "garbage!" })
      }
      #expect(bad.code == .invalidArgument)
    }
    try await server.stop()
  }

  static func schedule(number: Int32, capacity: Int32) -> Cohort_V1_ScheduleCohortRequest {
    .with {
      $0.requestID = UUID().uuidString
      $0.number = number
      $0.title = "\(number)기"
      $0.price = .with {
        $0.amountMinor = 200_000
        $0.currency = "KRW"
      }
      $0.capacity = capacity
      $0.startsOn = .with {
        $0.year = 2027; $0.month = 1; $0.day = 1
      }
      $0.endsOn = .with {
        $0.year = 2027; $0.month = 2; $0.day = 28
      }
    }
  }
}
