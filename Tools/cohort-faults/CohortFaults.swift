import ArgumentParser

/// `cohort-faults`: the client side of `Scripts/faults.sh`. It puts load on a running cohortd
/// (with retries that reuse request ids), checks the log and the read models afterwards, and
/// fuzzes every RPC with malformed protobuf. Process control (kill -9, SIGTERM, PostgreSQL
/// restarts) stays in the script; this tool only talks to servers and to the database.
@main
struct CohortFaults: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cohort-faults",
    abstract: "Fault-injection client for cohortd: load with retries, verification, fuzzing.",
    subcommands: [
      WaitReady.self, Setup.self, Token.self, Load.self, Verify.self, Fuzz.self, Stale.self, CommitDropProxy.self,
      Flood.self,
    ])
}
