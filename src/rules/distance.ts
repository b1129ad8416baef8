/** Edit distance for did-you-mean suggestions (case differences count half, so `maxjobs` → `maxJobs`). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  let previous = Array.from({ length: cols }, (_, j) => j);
  for (let i = 1; i < rows; i++) {
    const current = [i];
    for (let j = 1; j < cols; j++) {
      const ca = a[i - 1] ?? '';
      const cb = b[j - 1] ?? '';
      const substitution = ca === cb ? 0 : ca.toLowerCase() === cb.toLowerCase() ? 0.5 : 1;
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + substitution,
      );
    }
    previous = current;
  }
  return previous[cols - 1] ?? 0;
}

/** The closest candidate within a distance that scales with the name's length, if any. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    // Each character more or fewer costs one: a candidate that differs in length by more than the
    // limit cannot be within it (most names met are nothing like any candidate: no table to fill).
    if (Math.abs(candidate.length - name.length) > limit) continue;
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}
