import CohortCLI

/// The `cohort` executable: everything lives in `CohortCLI` so that tests can run it.
@main
enum Cohort {
  static func main() async {
    await CohortCommand.main()
  }
}
