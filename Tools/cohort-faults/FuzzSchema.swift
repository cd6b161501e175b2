/// The shape of each request message, as field numbers and kinds: the fuzzer aims wrong wire
/// types, invalid UTF-8 and extreme values at the fields the server really reads.
indirect enum FuzzField: Sendable {
  case string
  case int32
  case int64
  case enumeration
  case message([UInt64: FuzzField])

  static let money: FuzzField = .message([1: .int64, 2: .string])
  static let date: FuzzField = .message([1: .int32, 2: .int32, 3: .int32])
  static let consistency: FuzzField = .message([1: .int64])
}
