import Testing

@testable import CohortServer

@Suite("LRU cache")
struct LRUCacheTests {
  @Test("full, it evicts the least recently used; reads count as uses")
  func evictsLeastRecentlyUsed() {
    var cache = LRUCache<String, Int>(capacity: 2)
    cache.set(1, for: "a")
    cache.set(2, for: "b")
    #expect(cache.value(for: "a") == 1)
    cache.set(3, for: "c")
    #expect(cache.value(for: "b") == nil, "b was used least recently")
    #expect(cache.value(for: "a") == 1 && cache.value(for: "c") == 3)
    cache.set(4, for: "a")
    #expect(cache.keysByRecency == ["a", "c"] && cache.value(for: "a") == 4)
    cache.removeValue(for: "a")
    #expect(cache.count == 1 && cache.keysByRecency == ["c"])
  }

  final class Box {}

  /// The command handler takes a stream's state out of the cache to evolve it in place: a
  /// reference left behind in a freed slot would make every command copy the state.
  @Test("a removed or evicted value is no longer referenced by the cache")
  func keepsNoReferenceToRemovedValues() {
    var cache = LRUCache<Int, Box>(capacity: 1)
    weak var removed: Box?
    weak var evicted: Box?
    do {
      let box = Box()
      removed = box
      cache.set(box, for: 1)
    }
    #expect(cache.removeValue(for: 1) != nil)
    #expect(removed == nil, "the freed slot still holds the removed value")
    do {
      let box = Box()
      evicted = box
      cache.set(box, for: 2)
    }
    cache.set(Box(), for: 3)
    #expect(evicted == nil, "the slot reused for a new entry still holds the evicted value")
  }

  /// A list from the most to the least recently used: slow and obviously right.
  struct Reference {
    let capacity: Int
    var entries: [(key: Int, value: Int)] = []

    mutating func value(for key: Int) -> Int? {
      guard let index = entries.firstIndex(where: { $0.key == key }) else { return nil }
      let entry = entries.remove(at: index)
      entries.insert(entry, at: 0)
      return entry.value
    }

    mutating func set(_ value: Int, for key: Int) {
      if let index = entries.firstIndex(where: { $0.key == key }) { entries.remove(at: index) }
      if entries.count >= capacity { entries.removeLast() }
      entries.insert((key, value), at: 0)
    }

    mutating func remove(_ key: Int) { entries.removeAll { $0.key == key } }
  }

  @Test("agrees with a plain list under 20,000 random operations", arguments: [1, 2, 3, 8])
  func agreesWithReference(capacity: Int) {
    var cache = LRUCache<Int, Int>(capacity: capacity)
    var reference = Reference(capacity: capacity)
    var random = SplitMix(seed: UInt64(capacity))
    for step in 0..<20_000 {
      let key = Int(random.next() % 12)
      switch random.next() % 3 {
      case 0: #expect(cache.value(for: key) == reference.value(for: key), "step \(step)")
      case 1:
        cache.set(step, for: key)
        reference.set(step, for: key)
      default:
        cache.removeValue(for: key)
        reference.remove(key)
      }
      guard cache.keysByRecency == reference.entries.map(\.key) else {
        Issue.record("step \(step): \(cache.keysByRecency) != \(reference.entries.map(\.key))")
        return
      }
    }
    #expect(cache.count <= capacity)
  }
}

/// A seeded generator, so that a failure repeats.
struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
