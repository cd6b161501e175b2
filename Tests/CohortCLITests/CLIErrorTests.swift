import GRPCCore
import Testing

@testable import CohortCLI

@Suite("The CLI's errors say what went wrong")
struct CLIErrorTests {
  @Test(
    "a refusal without a message still names the server and the status",
    arguments: [RPCError.Code.cancelled, .unknown, .internalError])
  func emptyMessage(_ code: RPCError.Code) {
    let error = CLIError(RPCError(code: code, message: ""), server: "127.0.0.1:7443")
    #expect(
      error.description.contains("127.0.0.1:7443") && error.description.contains("\(code)"), "\(error.description)")
  }

  @Test("a refusal's own message is kept")
  func message() {
    let error = CLIError(RPCError(code: .notFound, message: "cohort 9 does not exist"), server: "127.0.0.1:7443")
    #expect(error.description == "cohort 9 does not exist")
  }
}
