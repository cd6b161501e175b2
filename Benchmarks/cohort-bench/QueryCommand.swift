import ArgumentParser
import CohortAPI
import Foundation
import GRPCCore
import GRPCProtobuf

/// `cohort-bench query`: a roster query (GetCohort), or a no-op (the health Check, or WhoAmI with
/// the owner's token) from N clients.
struct QueryCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "query",
    abstract: "Call GetCohort (a whole roster), WhoAmI (an authenticated no-op) or the health Check from N clients.")

  enum RPC: String, ExpressibleByArgument, CaseIterable {
    case getCohort = "get-cohort"
    /// The authenticated no-op: the token is checked and the principal answered, nothing read.
    case whoami
    /// The unauthenticated no-op.
    case health
  }

  @OptionGroup var server: ServerOptions
  @OptionGroup var load: LoadOptions

  @Option(help: "get-cohort, whoami or health.")
  var rpc: RPC

  @Option(help: "The cohort GetCohort asks for (prepare it with `cohort-bench roster`).")
  var cohort: Int32?

  @Flag(
    inversion: .prefixedNo,
    help: """
      Decode each GetCohort reply into its members and check their number. --no-decode takes the \
      reply's bytes and checks only their length: the load generator shares the server's cores, and \
      decoding a roster costs it more than the server spends answering.
      """)
  var decode = true

  func validate() throws {
    if rpc == .getCohort, cohort == nil { throw ValidationError("--rpc get-cohort needs --cohort") }
    if rpc != .getCohort, !decode { throw ValidationError("--no-decode is for --rpc get-cohort") }
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
      summary = try await load.closedLoop.run(settings: settings, name: "Health.Check") { client, options, _, _ in
        _ = try await Grpc_Health_V1_Health.Client(wrapping: client).check(.with { $0.service = "" }, options: options)
      }
    case .whoami:
      let me = try await settings.withClient { client in
        do {
          return try await Cohort_V1_AdminService.Client(wrapping: client).whoAmI(.init())
        } catch {
          throw BenchFailure.rpc("WhoAmI", error)
        }
      }
      summary = try await load.closedLoop.run(settings: settings, name: "WhoAmI") { client, options, _, _ in
        let reply = try await Cohort_V1_AdminService.Client(wrapping: client).whoAmI(.init(), options: options)
        guard reply.tokenID == me.tokenID else { throw BenchFailure("WhoAmI answered another token") }
      }
    case .getCohort:
      let number = cohort ?? 0
      let roster = try await settings.withClient { client in
        do {
          return try await Cohort_V1_EnrollmentService.Client(wrapping: client).getCohort(
            .with { $0.cohortNumber = number }, options: ClosedLoop.setupCallOptions)
        } catch {
          throw BenchFailure.rpc("GetCohort", error)
        }
      }
      details["roster_members"] = Double(roster.members.count)
      let bytes: [UInt8] = try roster.serializedBytes()
      details["reply_bytes"] = Double(bytes.count)
      progress(
        "query: cohort \(number) has \(roster.members.count) members (reply \(Int(details["reply_bytes"] ?? 0)) bytes)")
      details["decoded"] = decode ? 1 : 0
      let request = Cohort_V1_GetCohortRequest.with { $0.cohortNumber = number }
      if decode {
        summary = try await load.closedLoop.run(settings: settings, name: "GetCohort") { client, options, _, _ in
          let reply = try await Cohort_V1_EnrollmentService.Client(wrapping: client).getCohort(
            request, options: options)
          guard reply.members.count == roster.members.count else {
            throw BenchFailure("GetCohort answered \(reply.members.count) members, expected \(roster.members.count)")
          }
        }
      } else {
        summary = try await load.closedLoop.run(settings: settings, name: "GetCohort") { client, options, _, _ in
          let count = try await client.unary(
            request: ClientRequest(message: request),
            descriptor: Cohort_V1_EnrollmentService.Method.GetCohort.descriptor,
            serializer: ProtobufSerializer<Cohort_V1_GetCohortRequest>(), deserializer: ByteCount(),
            options: options
          ) { try $0.message }
          // Only the position (a varint of at most 10 bytes, and its tag) may differ from call to call.
          guard abs(count - bytes.count) <= 11 else {
            throw BenchFailure("GetCohort answered \(count) bytes, expected about \(bytes.count)")
          }
        }
      }
    }
    var report = BenchReport(workload: "query", rpc: rpc.rawValue, clients: load.clients, summary: summary)
    report.details.merge(details) { $1 }
    report.details["deadline_s"] = load.deadline
    try report.emit()
  }
}

/// Takes a reply as its number of bytes, without decoding it.
private struct ByteCount: MessageDeserializer {
  func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> Int {
    serializedMessageBytes.count
  }
}
