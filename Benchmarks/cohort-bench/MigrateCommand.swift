import ArgumentParser

/// `cohort-bench migrate`: gives a database cohortd's events table (the real migrations), so
/// that pgbench's baseline inserts into exactly the same kind of table.
struct MigrateCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "migrate", abstract: "Create cohortd's event tables in a database (for the pgbench baseline).")

  @OptionGroup var database: DatabaseOptions

  func run() async throws {
    try await database.withStore { _ in }
  }
}
