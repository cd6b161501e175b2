import ArgumentParser
import CohortAPI
import Foundation

/// `cohort-bench query`: a roster query (GetCohort) or the no-op health check from N clients.
struct QueryCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "query",
    abstract: "Call GetCohort (a whole roster) or the health Check (a no-op) from N clients.")

  enum RPC: String, ExpressibleByArgument, CaseIterable {
    case getCohort = "get-cohort"
    case health
  }

  @OptionGroup var server: ServerOptions
  @OptionGroup var load: LoadOptions

  @Option(help: "get-cohort or health.")
  var rpc: RPC

  @Option(help: "The cohort GetCohort asks for (prepare it with `cohort-bench roster`).")
  var cohort: Int32?

  func validate() throws {
    if rpc == .getCohort, cohort == nil { throw ValidationError("--rpc get-cohort needs --cohort") }
  }

  func run() async throws {
    let settings = try server.settings()
    var details: [String: Double] = [:]
    let summary: LatencySummary
    switch rpc {
    case .health:
      let reply = try await settings.withClient { client in
        do {
          return try await Grpc_Health_V1_Health.Client(wrapping: client).check(.with { $0.service = "" })
        } catch {
          throw BenchFailure.rpc("Health.Check", error)
        }
      }
      guard reply.status == .serving else { throw BenchFailure("the health check answered \(reply.status)") }
      summary = try await load.closedLoop.run(settings: settings, name: "Health.Check") { client, _, _ in
        _ = try await Grpc_Health_V1_Health.Client(wrapping: client).check(
          .with { $0.service = "" }, options: ClosedLoop.callOptions)
      }
    case .getCohort:
      let number = cohort ?? 0
      let roster = try await settings.withClient { client in
        do {
          return try await Cohort_V1_EnrollmentService.Client(wrapping: client).getCohort(
            .with { $0.cohortNumber = number }, options: ClosedLoop.callOptions)
        } catch {
          throw BenchFailure.rpc("GetCohort", error)
        }
      }
      details["roster_members"] = Double(roster.members.count)
      let bytes: [UInt8] = try roster.serializedBytes()
      details["reply_bytes"] = Double(bytes.count)
      progress(
        "query: cohort \(number) has \(roster.members.count) members (reply \(Int(details["reply_bytes"] ?? 0)) bytes)")
      summary = try await load.closedLoop.run(settings: settings, name: "GetCohort") { client, _, _ in
        let reply = try await Cohort_V1_EnrollmentService.Client(wrapping: client).getCohort(
          .with { $0.cohortNumber = number }, options: ClosedLoop.callOptions)
        guard reply.members.count == roster.members.count else {
          throw BenchFailure("GetCohort answered \(reply.members.count) members, expected \(roster.members.count)")
        }
      }
    }
    var report = BenchReport(workload: "query", rpc: rpc.rawValue, clients: load.clients, summary: summary)
    report.details.merge(details) { $1 }
    try report.emit()
  }
}
