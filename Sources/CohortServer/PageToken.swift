import CohortDomain
import Foundation

/// Cursor paging for lists: the token is the opaque (base64) key of the last item returned.
enum PageToken {
  static let defaultPageSize = 50
  static let maximumPageSize = 500

  /// Roster pages: a 300-member cohort is one page by default; a 100,000-member one is not sent whole.
  static let rosterPageSize = 1_000
  static let maximumRosterPageSize = 5_000

  static func pageSize(
    _ requested: Int32, default defaultSize: Int = defaultPageSize, maximum: Int = maximumPageSize
  ) throws(DomainError) -> Int {
    if requested == 0 { return defaultSize }
    guard (1...Int32(maximum)).contains(requested) else {
      throw DomainError(.invalidArgument(field: "page_size"), "page_size must be 1 to \(maximum); got \(requested)")
    }
    return Int(requested)
  }

  static func encode(_ key: Int) -> String {
    Data("n:\(key)".utf8).base64EncodedString()
  }

  /// The key after which the page starts (0 for the first page).
  static func decode(_ token: String) throws(DomainError) -> Int {
    if token.isEmpty { return 0 }
    guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
      text.hasPrefix("n:"), let key = Int(text.dropFirst(2)), key >= 0
    else {
      throw DomainError(.invalidArgument(field: "page_token"), "page_token is not one this server returned")
    }
    return key
  }

  /// Offset paging: the page of `rows` a request asks for (`pageSize` and `pageToken` as it sent
  /// them, checked) and the token of the next page, or "" after the last.
  struct Request {
    let size: Int
    let offset: Int

    init(pageSize: Int32, pageToken: String, default defaultSize: Int = defaultPageSize) throws(DomainError) {
      size = try PageToken.pageSize(pageSize, default: defaultSize)
      offset = try PageToken.decode(pageToken)
    }

    func page<Rows: Collection>(of rows: Rows) -> (rows: Rows.SubSequence, next: String) {
      let page = rows.dropFirst(offset).prefix(size)
      let end = offset + page.count
      return (page, end < rows.count ? PageToken.encode(end) : "")
    }
  }
}
