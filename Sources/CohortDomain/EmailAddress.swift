import Foundation

/// How e-mail addresses are compared: in Unicode NFC, without surrounding white space (line
/// breaks included) and without case. Every place that identifies a person by e-mail uses this
/// one rule.
public enum EmailAddress {
  public static func normalized(_ raw: String) -> String {
    raw.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
  }
}
