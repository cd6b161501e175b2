import Foundation

/// Whether a session met online or in a room.
public enum SessionMode: String, Codable, CaseIterable, Sendable {
  case online, offline
}

/// A member's attendance at one session.
public enum Attendance: String, Codable, CaseIterable, Sendable {
  case present, absent, excused
}

/// Everything that can be asked of one cohort's partner groups; the groups of a cohort are one
/// stream (a member is in at most one group of a cohort). Member ids are person ids.
public enum GroupsCommand: Equatable, Sendable {
  case createGroup(groupID: UUID, name: String, partner: UUID?)
  /// A new name and/or a new partner (`nil`: unchanged).
  case updateGroup(groupID: UUID, name: String?, partner: UUID?)
  /// Its members become unassigned.
  case dissolveGroup(groupID: UUID)
  /// Puts a member in a group; `allowMove`: out of another group if they are in one.
  case assignMember(memberID: UUID, groupID: UUID, allowMove: Bool)
  case unassignMember(memberID: UUID)
  /// Assigns each of `unassigned` (the cohort's enrolled members in no group) to the smallest
  /// group, in the order given; with `spreadAlumni`, the alumni among them first, each to the group
  /// with the fewest alumni. Ties go to the group created first.
  case balance(unassigned: [UUID], alumni: Set<UUID>, spreadAlumni: Bool)
  case addSession(sessionID: UUID, groupID: UUID, date: CalendarDate, topic: String, mode: SessionMode)
  case markAttendance(sessionID: UUID, marks: [UUID: Attendance])
  case addPost(postID: UUID, memberID: UUID, title: String, url: String, date: CalendarDate)
  case addPresentation(presentationID: UUID, memberID: UUID, sessionID: UUID, title: String)
}

/// Everything that happens to a cohort's groups.
public enum GroupsEvent: Equatable, Sendable {
  case groupCreated(groupID: UUID, name: String, at: Date)
  case groupRenamed(groupID: UUID, name: String, at: Date)
  case partnerAssigned(groupID: UUID, partner: UUID, at: Date)
  case groupDissolved(groupID: UUID, at: Date)
  case memberAssigned(memberID: UUID, groupID: UUID, at: Date)
  case memberUnassigned(memberID: UUID, groupID: UUID, at: Date)
  case sessionAdded(sessionID: UUID, groupID: UUID, date: CalendarDate, topic: String, mode: SessionMode, at: Date)
  case attendanceMarked(sessionID: UUID, memberID: UUID, attendance: Attendance, at: Date)
  case postAdded(postID: UUID, memberID: UUID, title: String, url: String, date: CalendarDate, at: Date)
  case presentationAdded(presentationID: UUID, memberID: UUID, sessionID: UUID, title: String, at: Date)
}

/// The rules of a cohort's partner groups. The context's subject is the cohort's id.
public enum Groups: Decider {
  public struct State: Equatable, Sendable {
    /// Live groups in the order they were created.
    public var order: [UUID] = []
    public var names: [UUID: String] = [:]
    public var partners: [UUID: UUID] = [:]
    public var groupOf: [UUID: UUID] = [:]
    public var sessions: [UUID: UUID] = [:]
    public var posts: Set<UUID> = []
    public var presentations: Set<UUID> = []

    public func size(of group: UUID) -> Int { groupOf.values.count { $0 == group } }

    /// The group a name means (case- and space-insensitive).
    public func group(named name: String) -> UUID? {
      let key = Self.key(name)
      return order.first { Self.key(names[$0] ?? "") == key }
    }

    static func key(_ name: String) -> String {
      name.precomposedStringWithCanonicalMapping.lowercased().split(whereSeparator: \.isWhitespace).joined(
        separator: " ")
    }
  }

  public static let initial = State()

  public static func decide(
    _ command: GroupsCommand, state: State, context: DecisionContext
  ) throws(DomainError) -> [GroupsEvent] {
    let now = context.now
    switch command {
    case .createGroup(let groupID, let name, let partner):
      let name = try PersonFields.text(name, field: "name", maxCharacters: 100, allowEmpty: false)
      guard state.names[groupID] == nil else { throw DomainError(.alreadyExists, "this group exists already") }
      guard state.group(named: name) == nil else {
        throw DomainError(.alreadyExists, "a group named \(Validate.quoted(name)) exists in this cohort")
      }
      return [.groupCreated(groupID: groupID, name: name, at: now)]
        + (partner.map { [.partnerAssigned(groupID: groupID, partner: $0, at: now)] } ?? [])

    case .updateGroup(let groupID, let name, let partner):
      let name = try name.map { raw throws(DomainError) in
        try PersonFields.text(raw, field: "name", maxCharacters: 100, allowEmpty: false)
      }
      try requireGroup(groupID, in: state)
      var events: [GroupsEvent] = []
      if let name, name != state.names[groupID] {
        if let other = state.group(named: name), other != groupID {
          throw DomainError(.alreadyExists, "a group named \(Validate.quoted(name)) exists in this cohort")
        }
        events.append(.groupRenamed(groupID: groupID, name: name, at: now))
      }
      if let partner, partner != state.partners[groupID] {
        events.append(.partnerAssigned(groupID: groupID, partner: partner, at: now))
      }
      return events

    case .dissolveGroup(let groupID):
      try requireGroup(groupID, in: state)
      let members = state.groupOf.filter { $0.value == groupID }.keys.sorted { $0.uuidString < $1.uuidString }
      return members.map { .memberUnassigned(memberID: $0, groupID: groupID, at: now) }
        + [.groupDissolved(groupID: groupID, at: now)]

    case .assignMember(let memberID, let groupID, let allowMove):
      try requireGroup(groupID, in: state)
      guard let current = state.groupOf[memberID] else {
        return [.memberAssigned(memberID: memberID, groupID: groupID, at: now)]
      }
      guard current != groupID else { return [] }
      guard allowMove else {
        throw DomainError(
          .failedPrecondition,
          "this member is in group \(Validate.quoted(state.names[current] ?? "")) already: move them instead")
      }
      return [
        .memberUnassigned(memberID: memberID, groupID: current, at: now),
        .memberAssigned(memberID: memberID, groupID: groupID, at: now),
      ]

    case .unassignMember(let memberID):
      guard let current = state.groupOf[memberID] else { return [] }
      return [.memberUnassigned(memberID: memberID, groupID: current, at: now)]

    case .balance(let unassigned, let alumni, let spreadAlumni):
      guard !state.order.isEmpty else {
        throw DomainError(.failedPrecondition, "this cohort has no groups to balance into: create them first")
      }
      var sizes = Dictionary(uniqueKeysWithValues: state.order.map { ($0, state.size(of: $0)) })
      var alumniCount = Dictionary(
        uniqueKeysWithValues: state.order.map { group in
          (group, state.groupOf.count { $0.value == group && alumni.contains($0.key) })
        })
      let waiting = unassigned.filter { state.groupOf[$0] == nil }
      let ordered = spreadAlumni ? waiting.filter(alumni.contains) + waiting.filter { !alumni.contains($0) } : waiting
      var events: [GroupsEvent] = []
      for member in ordered {
        let isAlumnus = spreadAlumni && alumni.contains(member)
        // The first group (in creation order) with the fewest (alumni, then) members.
        let target = state.order.min { a, b in
          isAlumnus
            ? (alumniCount[a]!, sizes[a]!) < (alumniCount[b]!, sizes[b]!)
            : sizes[a]! < sizes[b]!
        }!
        sizes[target]! += 1
        if alumni.contains(member) { alumniCount[target]! += 1 }
        events.append(.memberAssigned(memberID: member, groupID: target, at: now))
      }
      return events

    case .addSession(let sessionID, let groupID, let date, let topic, let mode):
      let topic = try PersonFields.text(topic, field: "topic", maxCharacters: 200, allowEmpty: false)
      try requireGroup(groupID, in: state)
      guard state.sessions[sessionID] == nil else { throw DomainError(.alreadyExists, "this session exists already") }
      return [.sessionAdded(sessionID: sessionID, groupID: groupID, date: date, topic: topic, mode: mode, at: now)]

    case .markAttendance(let sessionID, let marks):
      guard let groupID = state.sessions[sessionID] else {
        throw DomainError(.notFound, "session \(sessionID.uuidString.lowercased()) is not in this cohort")
      }
      guard !marks.isEmpty else {
        throw DomainError(.invalidArgument(field: "present"), "mark at least one member present, absent or excused")
      }
      let outsiders = marks.keys.filter { state.groupOf[$0] != groupID }
      guard outsiders.isEmpty else {
        throw DomainError(
          .failedPrecondition,
          "\(outsiders.count) of the members marked \(outsiders.count == 1 ? "is" : "are") not in the session's group")
      }
      return marks.sorted { $0.key.uuidString < $1.key.uuidString }.map {
        .attendanceMarked(sessionID: sessionID, memberID: $0.key, attendance: $0.value, at: now)
      }

    case .addPost(let postID, let memberID, let title, let url, let date):
      let title = try PersonFields.text(title, field: "title", maxCharacters: 200, allowEmpty: false)
      let url = try webAddress(url)
      guard state.groupOf[memberID] != nil else {
        throw DomainError(.failedPrecondition, "this member is in no group of the cohort: assign them first")
      }
      guard !state.posts.contains(postID) else { throw DomainError(.alreadyExists, "this post exists already") }
      return [.postAdded(postID: postID, memberID: memberID, title: title, url: url, date: date, at: now)]

    case .addPresentation(let presentationID, let memberID, let sessionID, let title):
      let title = try PersonFields.text(title, field: "title", maxCharacters: 200, allowEmpty: false)
      guard let groupID = state.sessions[sessionID] else {
        throw DomainError(.notFound, "session \(sessionID.uuidString.lowercased()) is not in this cohort")
      }
      guard state.groupOf[memberID] == groupID else {
        throw DomainError(.failedPrecondition, "this member is not in the session's group")
      }
      guard !state.presentations.contains(presentationID) else {
        throw DomainError(.alreadyExists, "this presentation exists already")
      }
      return [
        .presentationAdded(
          presentationID: presentationID, memberID: memberID, sessionID: sessionID, title: title, at: now)
      ]
    }
  }

  public static func evolve(_ state: inout State, _ event: GroupsEvent) {
    switch event {
    case .groupCreated(let groupID, let name, _):
      state.order.append(groupID)
      state.names[groupID] = name
    case .groupRenamed(let groupID, let name, _): state.names[groupID] = name
    case .partnerAssigned(let groupID, let partner, _): state.partners[groupID] = partner
    case .groupDissolved(let groupID, _):
      state.order.removeAll { $0 == groupID }
      state.names[groupID] = nil
      state.partners[groupID] = nil
    case .memberAssigned(let memberID, let groupID, _): state.groupOf[memberID] = groupID
    case .memberUnassigned(let memberID, _, _): state.groupOf[memberID] = nil
    case .sessionAdded(let sessionID, let groupID, _, _, _, _): state.sessions[sessionID] = groupID
    case .attendanceMarked: break
    case .postAdded(let postID, _, _, _, _, _): state.posts.insert(postID)
    case .presentationAdded(let presentationID, _, _, _, _): state.presentations.insert(presentationID)
    }
  }

  private static func requireGroup(_ groupID: UUID, in state: State) throws(DomainError) {
    guard state.names[groupID] != nil else { throw DomainError(.notFound, "no such group in this cohort") }
  }

  /// An http(s) address of at most 2,000 characters.
  private static func webAddress(_ raw: String) throws(DomainError) -> String {
    let url = raw.trimmingCharacters(in: .whitespacesAndNewlines)
    guard url.count <= 2_000, let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased()),
      parsed.host?.isEmpty == false
    else {
      throw DomainError(
        .invalidArgument(field: "url"), "url must be an http or https address, e.g. https://blog.example.com/post")
    }
    return url
  }
}
