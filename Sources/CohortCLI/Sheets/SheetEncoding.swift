import ArgumentParser
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How a spreadsheet's text is stored: UTF-8 (Google Sheets, Notion, Excel's "CSV UTF-8"), or
/// CP949, what Korean Excel writes when it saves plain "CSV" (EUC-KR is its subset).
public enum SheetEncoding: String, CaseIterable, Sendable, ExpressibleByArgument {
  case utf8 = "utf-8"
  case cp949

  public init?(argument: String) {
    switch argument.lowercased().replacingOccurrences(of: "_", with: "-") {
    case "utf-8", "utf8": self = .utf8
    case "cp949", "euc-kr", "euckr", "uhc", "ms949", "windows-949": self = .cp949
    default: return nil
    }
  }

  public static var allValueStrings: [String] { ["utf-8", "cp949", "euc-kr"] }

  /// The file's text: a UTF-8 BOM is dropped; without `forced`, bytes that are not valid UTF-8 are
  /// read as CP949.
  public static func decode(
    _ data: Data, forced: SheetEncoding? = nil
  ) throws -> (text: String, encoding: SheetEncoding) {
    var bytes = data
    let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    if bytes.starts(with: bom) {
      if forced == .cp949 { throw SheetError("the file starts with a UTF-8 byte order mark; it is not CP949") }
      bytes = bytes.dropFirst(3)
    }
    if forced != .cp949, let text = String(validating: bytes, as: UTF8.self) { return (text, .utf8) }
    if forced == .utf8 {
      let offset = firstInvalidUTF8(bytes)
      throw SheetError(
        "the file is not valid UTF-8 (at byte \(offset), line \(lineNumber(bytes, at: offset))); if Korean Excel saved it, try --encoding cp949"
      )
    }
    return (try Iconv.convert(Array(bytes), from: "CP949", to: "UTF-8").text, .cp949)
  }

  /// `text` in this encoding (UTF-8 with a BOM, so that Excel reads it as UTF-8), and how many
  /// characters CP949 has no code for (written as "?").
  public func encode(_ text: String) throws -> (data: Data, replaced: Int) {
    switch self {
    case .utf8: return (Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8), 0)
    case .cp949:
      let result = try Iconv.convert(Array(text.utf8), from: "UTF-8", to: "CP949", replacing: Array("?".utf8))
      return (Data(result.bytes), result.replaced)
    }
  }

  /// The offset of the first byte that does not decode as UTF-8.
  private static func firstInvalidUTF8(_ bytes: Data) -> Int {
    struct Counting: IteratorProtocol {
      var base: Data.Iterator
      var count = 0
      mutating func next() -> UInt8? {
        guard let byte = base.next() else { return nil }
        count += 1
        return byte
      }
    }
    var decoder = UTF8()
    var iterator = Counting(base: bytes.makeIterator())
    var start = 0
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue: start = iterator.count
      case .emptyInput: return bytes.count
      case .error: return start
      }
    }
  }

  private static func lineNumber(_ bytes: Data, at offset: Int) -> Int {
    bytes.prefix(offset).reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
  }
}

/// A spreadsheet that cannot be read or written, in words.
public struct SheetError: Error, CustomStringConvertible, Equatable {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// glibc's iconv, which knows CP949.
enum Iconv {
  struct Result {
    var bytes: [UInt8]
    var replaced: Int
    var text: String { String(decoding: bytes, as: UTF8.self) }
  }

  /// Converts `input`; a character the target cannot encode becomes `replacing` when given, and
  /// otherwise (and for bytes that are not valid input) the conversion fails naming the place.
  static func convert(_ input: [UInt8], from: String, to: String, replacing: [UInt8]? = nil) throws -> Result {
    let descriptor = iconv_open(to, from)
    guard descriptor != iconv_t(bitPattern: -1) else { throw SheetError("this system cannot convert \(from) to \(to)") }
    defer { iconv_close(descriptor) }

    var output: [UInt8] = []
    output.reserveCapacity(input.count * 2)
    var replaced = 0
    var source = input.map { CChar(bitPattern: $0) }
    let sourceCount = source.count
    var chunk = [CChar](repeating: 0, count: 64 * 1024)
    try source.withUnsafeMutableBufferPointer { sourceBuffer in
      var inPointer: UnsafeMutablePointer<CChar>? = sourceBuffer.baseAddress
      var inLeft = sourceCount
      while inLeft > 0 {
        let (status, error, produced) = chunk.withUnsafeMutableBufferPointer { chunkBuffer in
          var outPointer: UnsafeMutablePointer<CChar>? = chunkBuffer.baseAddress
          var outLeft = chunkBuffer.count
          let status = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
          return (status, errno, chunkBuffer.count - outLeft)
        }
        output += chunk.prefix(produced).map { UInt8(bitPattern: $0) }
        guard status == -1 else { continue }
        switch error {
        case E2BIG:
          continue
        case EILSEQ where replacing != nil:
          // Skip one UTF-8 character of the input.
          let offset = sourceCount - inLeft
          var length = 1
          while length < inLeft, UInt8(bitPattern: sourceBuffer[offset + length]) & 0xC0 == 0x80 { length += 1 }
          inPointer = inPointer.map { $0 + length }
          inLeft -= length
          output += replacing ?? []
          replaced += 1
        default:
          let offset = sourceCount - inLeft
          let line = input.prefix(offset).reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
          throw SheetError(
            "the file is neither UTF-8 nor \(from) (byte \(offset), line \(line)); name its encoding with --encoding")
        }
      }
    }
    return Result(bytes: output, replaced: replaced)
  }
}
