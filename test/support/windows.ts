// Checking rate limits from the outside: the most events that fell in any window of a given length.

/** The largest number of `times` (ascending, in ms) inside any window of `windowMs`. */
export function maxInWindow(times: number[], windowMs: number): number {
  let max = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}
