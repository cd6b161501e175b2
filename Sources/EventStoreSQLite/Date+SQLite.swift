import Foundation

extension Date {
  /// The instant as whole microseconds since 1970, as the `recorded_at` column holds it: an
  /// integer sorts and compares exactly, and is readable with SQLite's own date functions
  /// (`datetime(recorded_at / 1e6, 'unixepoch')`).
  var sqliteMicroseconds: Int64 {
    Int64((timeIntervalSince1970 * 1_000_000).rounded())
  }

  init(sqliteMicroseconds microseconds: Int64) {
    self.init(timeIntervalSince1970: Double(microseconds) / 1_000_000)
  }
}
