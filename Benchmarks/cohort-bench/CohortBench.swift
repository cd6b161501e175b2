import ArgumentParser

/// `cohort-bench`: the load generator and loader behind `Scripts/bench.sh`.
///
/// Every measuring subcommand prints progress on standard error and one JSON object (a
/// ``BenchReport``) as the last line of standard output, for the script to aggregate.
@main
struct CohortBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cohort-bench",
    abstract: "Load generator for Scripts/bench.sh: gRPC workloads against cohortd and a bulk event loader.",
    subcommands: [
      AppendCommand.self, QueryCommand.self, RosterCommand.self, LoadCommand.self, ScanCommand.self,
      MigrateCommand.self,
    ])
}
