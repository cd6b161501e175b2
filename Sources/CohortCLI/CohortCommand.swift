import ArgumentParser

/// `cohort`: the command-line client of cohortd.
public struct CohortCommand: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "cohort",
    abstract:
      "Talk to a Cohort server: cohorts, enrollment, people, payments, the funnel, partner groups, outreach experiments, tokens.",
    discussion: """
      With no connection flags, cohort finds the cohortd running on this machine through the \
      server.json it writes in its data directory (the development CA and the owner token \
      included). Elsewhere use --server, --ca and --token-file, the COHORT_SERVER, COHORT_CA and \
      COHORT_TOKEN variables, or a context (`cohort context add prod --server … --use`).

      Exit codes: 0 success, 64 usage, and 10 + the gRPC status code when the server refuses: \
      13 invalid argument, 15 not found, 16 already exists, 17 permission denied, \
      19 failed precondition, 20 aborted (retry), 24 unavailable, 26 unauthenticated.
      """,
    subcommands: [
      Cohorts.self, Enroll.self, Withdraw.self, Transfer.self, Discounts.self, People.self, Interest.self,
      Payments.self, Funnel.self, Import.self,
      Groups.self, Sessions.self, AttendanceCommand.self, Posts.self, Presentations.self, Experiments.self,
      Attempts.self, Followups.self, Events.self, WhoAmI.self, Tokens.self, Health.self, Context.self, Completion.self,
    ])

  public init() {}
}
