/// What a token may do in its tenant: founders and staff manage everything, partners run their
/// groups, members see their own records.
public enum AccessRole: String, Codable, Hashable, Sendable, CaseIterable {
  case owner, staff, partner, member
}
