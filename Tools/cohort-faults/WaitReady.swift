import ArgumentParser
import CohortAPI
import Foundation
import GRPCCore

/// Waits until every named server answers the health check with SERVING.
struct WaitReady: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "wait-ready", abstract: "Wait until cohortd answers its health check with SERVING.")

  @OptionGroup var targets: Targets

  @Option(help: "Give up after this many seconds.")
  var timeout: Double = 60

  func run() async throws {
    let settings = try targets.settings(requireToken: false)
    let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
    let ready = try await Connections.with(settings) { clients in
      for client in clients {
        let health = Grpc_Health_V1_Health.Client(wrapping: client)
        var serving = false
        while !serving, ContinuousClock.now < deadline {
          var options = CallOptions.defaults
          options.timeout = .seconds(2)
          if let reply = try? await health.check(.with { $0.service = "" }, options: options), reply.status == .serving
          {
            serving = true
          } else {
            try await Task.sleep(for: .milliseconds(100))
          }
        }
        if !serving { return false }
      }
      return true
    }
    guard ready else {
      print("wait-ready: not serving after \(timeout) s: \(targets.dataDirectories.joined(separator: ", "))")
      throw ExitCode(3)
    }
  }
}
