import CohortAPI
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2

/// A few requests with one exact right answer each: what a retry with a different body, a
/// request id reused for another command, or an e-mail that differs only in whitespace must do,
/// and how edge values are refused.
struct Probes {
  struct Result: Sendable {
    var name: String
    var passed: Bool
    var detail: String
  }

  let service: Cohort_V1_EnrollmentService.Client<HTTP2ClientTransport.Posix>
  let health: Grpc_Health_V1_Health.Client<HTTP2ClientTransport.Posix>
  let cohort: Int32

  func run() async -> [Result] {
    var results: [Result] = []
    results.append(await differentBody())
    results.append(await reusedAcrossCommands())
    results.append(await whitespaceEmail())
    results.append(
      await expectCode("schedule with starts_on 2026-02-30", "INVALID_ARGUMENT") {
        _ = try await service.scheduleCohort(
          schedule(number: 9_001) {
            $0.startsOn = .with {
              $0.year = 2026; $0.month = 2; $0.day = 30
            }
          })
      })
    results.append(
      await expectCode("schedule with a negative price", "INVALID_ARGUMENT") {
        _ = try await service.scheduleCohort(schedule(number: 9_002) { $0.price.amountMinor = -1 })
      })
    results.append(
      await expectCode("schedule with Int64.min price", "INVALID_ARGUMENT") {
        _ = try await service.scheduleCohort(schedule(number: 9_003) { $0.price.amountMinor = .min })
      })
    results.append(
      await expectCode("schedule with capacity 100,001", "INVALID_ARGUMENT") {
        _ = try await service.scheduleCohort(schedule(number: 9_004) { $0.capacity = 100_001 })
      })
    results.append(
      await expectCode("schedule with a 201-character title", "INVALID_ARGUMENT") {
        _ = try await service.scheduleCohort(schedule(number: 9_005) { $0.title = String(repeating: "가", count: 201) })
      })
    results.append(
      await expectCode("get cohort Int32.min", "INVALID_ARGUMENT") {
        _ = try await service.getCohort(.with { $0.cohortNumber = .min })
      })
    results.append(
      await expectCode("enroll with request_id 'not-a-uuid'", "INVALID_ARGUMENT") {
        _ = try await service.enroll(
          .with {
            $0.requestID = "not-a-uuid"
            $0.cohortNumber = cohort
            $0.name = "x"
            $0.email = "x@faults.example"
          })
      })
    results.append(
      await expectCode("schedule with a 20,000-character currency (echoed in the error message)", "INVALID_ARGUMENT") {
        _ = try await service.scheduleCohort(
          schedule(number: 9_006) { $0.price.currency = String(repeating: "€", count: 20_000) })
      })
    // The previous probe may have cost the connection; let it reconnect first.
    try? await Task.sleep(for: .seconds(3))
    results.append(
      await expectCode("health check of a 20,000-character service name (echoed in the error message)", "NOT_FOUND") {
        _ = try await health.check(.with { $0.service = String(repeating: "€", count: 20_000) })
      })
    try? await Task.sleep(for: .seconds(3))
    let started = ContinuousClock.now
    var far = await expectCode(
      "get cohort with min_position Int64.max (beyond the head: refused at once)", "OUT_OF_RANGE"
    ) {
      _ = try await service.getCohort(
        .with {
          $0.cohortNumber = cohort
          $0.consistency = .with { $0.minPosition = .max }
        }, options: timeout(15))
    }
    let waited = ContinuousClock.now - started
    far.detail += ", answered after \(waited)"
    if waited > .seconds(2) { far.passed = false }
    results.append(far)
    return results
  }

  // MARK: The probes

  /// A retry must return the first answer: the member enrolled the first time, not the one the
  /// second body names.
  private func differentBody() async -> Result {
    let name = "same request_id, different e-mail: ALREADY_EXISTS, and only the first member enrolled"
    let id = UUID().uuidString.lowercased()
    do {
      let first = try await service.enroll(enroll(id, "probe-a-\(id.prefix(8))@faults.example"))
      let secondEmail = "probe-b-\(id.prefix(8))@faults.example"
      do {
        let second = try await service.enroll(enroll(id, secondEmail))
        let roster = try await rosterEmails(after: max(first.reply.position, second.reply.position))
        return Result(
          name: name, passed: false,
          detail:
            "second reply OK with member_id \(second.memberID) (first \(first.memberID)); \(secondEmail) in roster: \(roster.contains(secondEmail))"
        )
      } catch {
        let code = StatusName.of(error: error).name
        let roster = (try? await rosterEmails(after: first.reply.position)) ?? []
        return Result(
          name: name, passed: code == "ALREADY_EXISTS" && !roster.contains(secondEmail),
          detail: "second answered \(code); \(secondEmail) in roster: \(roster.contains(secondEmail))")
      }
    } catch {
      return Result(name: name, passed: false, detail: "first enroll failed: \(error)")
    }
  }

  /// A request id already used by an enrollment, reused for a withdrawal: either refused, or the
  /// withdrawal really happens. Acknowledging it without applying it loses the command.
  private func reusedAcrossCommands() async -> Result {
    let name = "request_id of an Enroll reused for a Withdraw: ALREADY_EXISTS, and the member stays enrolled"
    let id = UUID().uuidString.lowercased()
    let email = "probe-c-\(id.prefix(8))@faults.example"
    do {
      let enrolled = try await service.enroll(enroll(id, email))
      do {
        let reply = try await service.withdraw(
          .with {
            $0.requestID = id
            $0.cohortNumber = cohort
            $0.email = email
            $0.reason = "probe"
          })
        let roster = try await rosterEmails(after: max(enrolled.reply.position, reply.reply.position))
        return Result(
          name: name, passed: false,
          detail:
            "Withdraw answered OK (position \(reply.reply.position), event_types \(reply.reply.eventTypes)); \(email) enrolled: \(roster.contains(email))"
        )
      } catch {
        let code = StatusName.of(error: error).name
        let roster = (try? await rosterEmails(after: enrolled.reply.position)) ?? []
        return Result(
          name: name, passed: code == "ALREADY_EXISTS" && roster.contains(email),
          detail: "refused: \(code); \(email) still enrolled: \(roster.contains(email))")
      }
    } catch {
      return Result(name: name, passed: false, detail: "enroll failed: \(error)")
    }
  }

  /// The same address with a trailing newline or in capitals is the same member.
  private func whitespaceEmail() async -> Result {
    let name = "same e-mail with a trailing newline / capitals: ALREADY_EXISTS, never a second roster entry"
    let email = "probe-d-\(UUID().uuidString.prefix(8).lowercased())@faults.example"
    var answers: [String] = []
    var exact = true
    do {
      var position = try await service.enroll(enroll(UUID().uuidString, email)).reply.position
      for variant in [email + "\n", email.uppercased(), " " + email + " ", email + "\r\n"] {
        do {
          let reply = try await service.enroll(enroll(UUID().uuidString, variant))
          position = max(position, reply.reply.position)
          answers.append("\(variant.debugDescription): OK member \(reply.memberID)")
          exact = false
        } catch {
          let code = StatusName.of(error: error).name
          answers.append("\(variant.debugDescription): \(code)")
          if code != "ALREADY_EXISTS" { exact = false }
        }
      }
      let count = try await rosterEmails(after: position).filter { $0 == email }.count
      return Result(
        name: name, passed: count == 1 && exact,
        detail: "roster entries with \(email): \(count); " + answers.joined(separator: "; "))
    } catch {
      return Result(name: name, passed: false, detail: "\(error)")
    }
  }

  // MARK: Helpers

  private func expectCode(_ name: String, _ expected: String, _ body: () async throws -> Void) async -> Result {
    do {
      try await body()
      return Result(name: name, passed: expected == "OK", detail: "got OK, expected \(expected)")
    } catch {
      let (code, message) = StatusName.of(error: error)
      return Result(name: name, passed: code == expected, detail: "got \(code) (\(message.prefix(100)))")
    }
  }

  private func enroll(_ id: String, _ email: String) -> Cohort_V1_EnrollRequest {
    .with {
      $0.requestID = id
      $0.cohortNumber = cohort
      $0.name = "Probe"
      $0.email = email
    }
  }

  private func schedule(
    number: Int32, _ change: (inout Cohort_V1_ScheduleCohortRequest) -> Void
  ) -> Cohort_V1_ScheduleCohortRequest {
    var request = Cohort_V1_ScheduleCohortRequest.with {
      $0.requestID = UUID().uuidString
      $0.number = number
      $0.title = "probe"
      $0.price = .with {
        $0.amountMinor = 1_000
        $0.currency = "KRW"
      }
      $0.capacity = 10
      $0.startsOn = .with {
        $0.year = 2026; $0.month = 12; $0.day = 1
      }
      $0.endsOn = .with {
        $0.year = 2027; $0.month = 1; $0.day = 31
      }
    }
    change(&request)
    return request
  }

  private func rosterEmails(after position: Int64) async throws -> [String] {
    let reply = try await service.getCohort(
      .with {
        $0.cohortNumber = cohort
        $0.consistency = .with { $0.minPosition = position }
      })
    return (reply.members + reply.waitlist).map(\.email)
  }

  private func timeout(_ seconds: Int) -> CallOptions {
    var options = CallOptions.defaults
    options.timeout = .seconds(seconds)
    return options
  }
}
