import ArgumentParser

/// `--limit N`: list commands return every row, following the server's pages, unless limited.
struct LimitOptions: ParsableArguments {
  @Option(help: "At most this many rows (default: every row).") var limit: Int?

  func validate() throws {
    if let limit, limit < 1 { throw ValidationError("--limit must be 1 or more, not \(limit)") }
  }

  /// The first `limit` of `rows` (for lists the server sends whole).
  func apply<Row>(_ rows: [Row]) -> [Row] {
    limit.map { Array(rows.prefix($0)) } ?? rows
  }

  /// Every row, page after page (the page token of one page asks for the next), or the first
  /// `limit`.
  func collect<Row>(
    pageSize: Int = 500, _ page: (_ token: String, _ size: Int32) async throws -> (rows: [Row], next: String)
  ) async throws -> [Row] {
    var rows: [Row] = []
    var token = ""
    repeat {
      let wanted = limit.map { min(pageSize, $0 - rows.count) } ?? pageSize
      let (more, next) = try await page(token, Int32(wanted))
      rows += more
      token = next
    } while !token.isEmpty && (limit.map { rows.count < $0 } ?? true)
    return apply(rows)
  }
}
