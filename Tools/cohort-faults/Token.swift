import ArgumentParser
import CohortAPI
import Foundation
import GRPCCore

/// Issues a token of one role with the owner's token and writes it to a file (0600), for runs
/// of the fuzzer as that role.
struct Token: AsyncParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Issue a staff, partner or member token.")

  @OptionGroup var targets: Targets

  @Option(help: "staff, partner or member.")
  var role: String

  @Option(help: "Where to write the token.")
  var out: String

  func run() async throws {
    let roles: [String: Cohort_V1_Role] = ["staff": .staff, "partner": .partner, "member": .member]
    guard let role = roles[role] else { throw ValidationError("--role must be staff, partner or member") }
    let label = "fault suite \(self.role)"
    let reply = try await Connections.with([try targets.settings()[0]]) { clients in
      try await Cohort_V1_AdminService.Client(wrapping: clients[0]).issueToken(
        .with {
          $0.requestID = UUID().uuidString.lowercased()
          $0.role = role
          $0.label = label
        })
    }
    guard
      FileManager.default.createFile(
        atPath: out, contents: Data((reply.token + "\n").utf8), attributes: [.posixPermissions: 0o600])
    else { throw ValidationError("cannot write \(out)") }
    print("token: \(self.role) token \(reply.tokenID) written to \(out)")
  }
}
