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
}
