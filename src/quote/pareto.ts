/**
 * Indices of the Pareto-optimal rows among `rows` (each a vector of criteria, all minimised). A row
 * is dropped when another is no worse in every criterion and better in one; of identical rows the
 * first is kept. O(n²), meant for the tens of options a quote holds.
 */
export function paretoIndices(rows: readonly (readonly number[])[]): number[] {
  const keep: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const a = rows[i]!;
    let dominated = false;
    for (let j = 0; j < rows.length && !dominated; j++) {
      if (j === i) continue;
      const b = rows[j]!;
      let noWorse = true;
      let better = false;
      for (let k = 0; k < a.length; k++) {
        if (b[k]! > a[k]!) {
          noWorse = false;
          break;
        }
        if (b[k]! < a[k]!) better = true;
      }
      // b dominates a, or b equals a and comes first.
      if (noWorse && (better || j < i)) dominated = true;
    }
    if (!dominated) keep.push(i);
  }
  return keep;
}
