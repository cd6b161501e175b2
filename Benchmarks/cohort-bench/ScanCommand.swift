import ArgumentParser
import EventStore
import EventStorePostgres
import Foundation
import Logging

/// `cohort-bench scan`: reads the whole log the way cohortd's projection does at start
/// (`readAll` in batches of 1,000, one batch after the other) but folds nothing: how much of the
/// rebuild is reading from PostgreSQL, and how much is decoding and folding.
struct ScanCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "scan",
    abstract: "Read the whole log with PostgresEventStore.readAll, as the projection does, without folding.")

  @OptionGroup var database: DatabaseOptions

  @Option(name: .customLong("batch-size"), help: "Events per readAll (the projection's is 1,000).")
  var batchSize = 1_000

  func validate() throws {
    guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
  }

  func run() async throws {
    let limit = batchSize
    let (count, elapsed) = try await database.withStore { store in
      // One small read first, so that connecting is not part of the time.
      _ = try await store.readAll(after: 0, limit: 1)
      let started = ContinuousClock.now
      var position: Int64 = 0
      var count = 0
      while true {
        let batch = try await store.readAll(after: position, limit: limit)
        guard let last = batch.last else { break }
        count += batch.count
        position = last.position
      }
      return (count, ContinuousClock.now - started)
    }
    let (seconds, attoseconds) = elapsed.components
    var report = BenchReport(workload: "scan", seconds: Double(seconds) + Double(attoseconds) / 1e18, count: count)
    report.details = ["batch_size": Double(batchSize)]
    try report.emit()
  }
}
