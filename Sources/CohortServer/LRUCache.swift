/// A bounded map that, when full, evicts the entry used least recently: the streams and keys
/// in use stay, whatever a caller touches once. Reads count as uses. O(1) per operation: entries
/// live in an array, linked from the newest to the oldest, and freed slots are reused.
struct LRUCache<Key: Hashable, Value> {
  private struct Entry {
    var key: Key
    /// `nil` once the entry is removed: a freed slot keeps no reference to its old value.
    var value: Value?
    var older: Int?
    var newer: Int?
  }

  let capacity: Int
  private var entries: [Entry] = []
  private var slots: [Key: Int] = [:]
  private var free: [Int] = []
  private var newest: Int?
  private var oldest: Int?

  init(capacity: Int) {
    precondition(capacity > 0, "an LRU cache holds at least one entry")
    self.capacity = capacity
  }

  var count: Int { slots.count }

  /// The value for `key`, which becomes the most recently used.
  mutating func value(for key: Key) -> Value? {
    guard let slot = slots[key] else { return nil }
    touch(slot)
    return entries[slot].value
  }

  /// Sets `value` for `key` as the most recently used, evicting the least recently used entry
  /// when the cache is full.
  mutating func set(_ value: Value, for key: Key) {
    if let slot = slots[key] {
      entries[slot].value = value
      touch(slot)
      return
    }
    if slots.count >= capacity, let victim = oldest { remove(slot: victim) }
    let entry = Entry(key: key, value: value, older: newest, newer: nil)
    let slot: Int
    if let reused = free.popLast() {
      entries[reused] = entry
      slot = reused
    } else {
      entries.append(entry)
      slot = entries.count - 1
    }
    if let newest { entries[newest].newer = slot }
    newest = slot
    if oldest == nil { oldest = slot }
    slots[key] = slot
  }

  /// Removes the entry for `key` and returns its value; the cache keeps no reference to it.
  @discardableResult
  mutating func removeValue(for key: Key) -> Value? {
    guard let slot = slots[key] else { return nil }
    let value = entries[slot].value.take()
    remove(slot: slot)
    return value
  }

  /// The keys from the most to the least recently used.
  var keysByRecency: [Key] {
    var keys: [Key] = []
    var cursor = newest
    while let slot = cursor {
      keys.append(entries[slot].key)
      cursor = entries[slot].older
    }
    return keys
  }

  private mutating func touch(_ slot: Int) {
    guard newest != slot else { return }
    unlink(slot)
    entries[slot].older = newest
    entries[slot].newer = nil
    if let newest { entries[newest].newer = slot }
    newest = slot
    if oldest == nil { oldest = slot }
  }

  private mutating func remove(slot: Int) {
    unlink(slot)
    slots.removeValue(forKey: entries[slot].key)
    entries[slot].value = nil
    free.append(slot)
  }

  private mutating func unlink(_ slot: Int) {
    let (older, newer) = (entries[slot].older, entries[slot].newer)
    if let older { entries[older].newer = newer } else { oldest = newer }
    if let newer { entries[newer].older = older } else { newest = older }
    entries[slot].older = nil
    entries[slot].newer = nil
  }
}
