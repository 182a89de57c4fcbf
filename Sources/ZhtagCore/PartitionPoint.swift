// Binary search over sorted lists (edits, sentences, quota fields, mentions by offset).

extension RandomAccessCollection where Index == Int {
  /// The first index whose element does not satisfy `isBelow`, in a collection where every
  /// element that satisfies it comes first (a sorted list searched by halves); `endIndex` when
  /// all do.
  @inlinable public func partitionPoint(_ isBelow: (Element) throws -> Bool) rethrows -> Int {
    var low = startIndex
    var high = endIndex
    while low < high {
      let middle = low + (high - low) / 2
      if try isBelow(self[middle]) { low = middle + 1 } else { high = middle }
    }
    return low
  }

  /// The same partition point, searched from `hint` outwards in steps that double: for
  /// searches that come nearly in order (spans sorted by start), O(log distance) instead of
  /// O(log count).
  @inlinable public func partitionPoint(near hint: Int, _ isBelow: (Element) -> Bool) -> Int {
    let hint = Swift.min(Swift.max(hint, startIndex), endIndex)
    if hint < endIndex, isBelow(self[hint]) {
      // The point is after `hint`: probe forwards until an element is not below.
      var low = hint + 1
      var probe = low
      var step = 1
      while probe < endIndex, isBelow(self[probe]) {
        low = probe + 1
        probe = low + step
        step *= 2
      }
      return self[low..<Swift.min(probe, endIndex)].partitionPoint(isBelow)
    }
    // The point is at or before `hint`: probe backwards until an element is below.
    var high = hint
    var probe = hint - 1
    var step = 1
    while probe >= startIndex, !isBelow(self[probe]) {
      high = probe
      probe = high - step
      step *= 2
    }
    return self[Swift.max(probe + 1, startIndex)..<high].partitionPoint(isBelow)
  }
}
