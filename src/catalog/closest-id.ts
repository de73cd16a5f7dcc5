/** Edit distance between two short strings (ids), for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The closest candidate, preferring one that contains or starts like the input. */
export function closestId(input: string, candidates: readonly string[]): string | undefined {
  const wanted = input.toLowerCase();
  let best: { id: string; score: number } | undefined;
  for (const id of candidates) {
    const score = id.includes(wanted) || wanted.includes(id) ? 0 : editDistance(wanted, id);
    if (!best || score < best.score) best = { id, score };
  }
  return best && best.score <= Math.max(3, Math.floor(wanted.length / 2)) ? best.id : undefined;
}
