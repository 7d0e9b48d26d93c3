import { bestBlocks, blockOrigin, type Engine, PackState } from './engine.ts';

/** Limits of one search. */
export interface SearchLimits {
  /** Clock reading (ms) at which to stop. */
  readonly deadline: number;
  /** Clock reading at which even the first greedy load stops (default: `deadline`). */
  readonly hardDeadline?: number;
  readonly clock: () => number;
  /** Largest number of beam rounds. */
  readonly maxRounds: number;
}

/** The best load found: its placed blocks (4 ints each: block x y z) and their box volume. */
export interface SearchResult {
  readonly path: Int32Array;
  readonly volume: number;
  readonly rounds: number;
  /** Greedy completions run. */
  readonly completions: number;
}

const one = new Int32Array(1);
const oneScore = new Float64Array(1);
const origin = new Int32Array(3);

/**
 * Fills `st` greedily: the best block by VCS into the selected space, until no space is left (or the
 * clock passes `deadline`, checked every 64 blocks).
 */
export function greedyFill(st: PackState, limits?: SearchLimits): void {
  for (let step = 1; ; step++) {
    if (limits && (step & 63) === 0 && limits.clock() >= limits.deadline) return;
    const s = st.selectSpace();
    if (s < 0) return;
    if (bestBlocks(st, s, 1, one, oneScore) === 0) {
      st.removeSpace(s);
      continue;
    }
    const b = one[0]!;
    blockOrigin(st, s, b, origin);
    st.place(b, origin[0]!, origin[1]!, origin[2]!);
  }
}

interface Elite {
  value: number;
  parent: PackState | null;
  path: Int32Array;
}

/**
 * Beam search with greedy evaluation of the nodes (BSG, Araya & Riff 2014, Comput. Oper. Res. 43),
 * as in its authors' Metasolver: each level expands the beam's states by their best blocks, completes
 * every child greedily, and the next beam follows the best complete loads found so far one block further.
 * The search is repeated with the effort doubled (beam and branching ×√2) until the time or round limit.
 */
export function beamSearch(e: Engine, limits: SearchLimits): SearchResult {
  const root = PackState.initial(e);
  const scratch = new PackState(e);
  scratch.copyFrom(root);
  // the first greedy load runs past the search's deadline (a plan cut short leaves boxes out), up to
  // the hard deadline, where the time limit ends whatever is left
  greedyFill(scratch, {
    ...limits,
    deadline: Math.max(limits.deadline, limits.hardDeadline ?? limits.deadline),
  });
  // volume of all boxes that fit alone: loading it all ends the search
  const fits = new Uint8Array(e.types.n);
  for (let b = 0; b < e.blocks.n; b++) if (e.blocks.axis[b]! < 0) fits[e.blocks.childA[b]!] = 1;
  let everything = 0;
  for (let t = 0; t < e.types.n; t++) if (fits[t]) everything += e.types.count[t]! * e.types.volume[t]!;
  let completions = 1;
  let best = { path: scratch.placed.slice(0, 4 * scratch.nPlaced), volume: scratch.volume };
  let elites: Elite[] = [{ value: best.volume, parent: null, path: best.path }];
  let beams = 4;
  let maxLevel = 16;
  let rounds = 0;
  const actBlock = new Int32Array(4096);
  const actScore = new Float64Array(4096);
  const actions: number[] = [];
  const out = (): boolean => limits.clock() >= limits.deadline;

  while (rounds < limits.maxRounds && best.volume < everything && !out()) {
    // keep the best load as the elite path of the new round
    elites = elites.slice(0, 1);
    for (const el of elites) el.parent = root.clone();
    let beam: PackState[] = [root.clone()];
    let finished = true;
    while (beam.length > 0) {
      if (out()) {
        finished = false;
        break;
      }
      if (best.volume >= everything) break;
      for (const s of beam) {
        const w = Math.max(1, Math.min(actBlock.length, Math.round(maxLevel / beam.length)));
        actions.length = 0;
        for (;;) {
          const sp = s.selectSpace();
          if (sp < 0) break;
          const found = bestBlocks(s, sp, w, actBlock, actScore);
          if (found === 0) {
            s.removeSpace(sp);
            continue;
          }
          for (let i = 0; i < found; i++) {
            blockOrigin(s, sp, actBlock[i]!, origin);
            actions.push(actBlock[i]!, origin[0]!, origin[1]!, origin[2]!);
          }
          break;
        }
        for (let i = 0; i < actions.length; i += 4) {
          if (out()) break;
          scratch.copyFrom(s);
          scratch.place(actions[i]!, actions[i + 1]!, actions[i + 2]!, actions[i + 3]!);
          greedyFill(scratch, limits);
          completions++;
          const value = scratch.volume;
          if (value > best.volume)
            best = { path: scratch.placed.slice(0, 4 * scratch.nPlaced), volume: value };
          if (elites.some((el) => el.value === value)) continue;
          elites.push({ value, parent: s, path: scratch.placed.slice(0, 4 * scratch.nPlaced) });
        }
      }
      elites.sort((a, b) => b.value - a.value);
      const next: PackState[] = [];
      for (const el of elites) {
        const s = el.parent;
        el.parent = null;
        if (!s || next.length >= beams) continue;
        const depth = s.nPlaced;
        if (4 * depth >= el.path.length) continue;
        const child = s.clone();
        const q = 4 * depth;
        child.place(el.path[q]!, el.path[q + 1]!, el.path[q + 2]!, el.path[q + 3]!);
        el.parent = child;
        next.push(child);
      }
      elites.length = Math.min(elites.length, beams);
      beam = next;
    }
    if (finished) rounds++;
    const w = Math.round(maxLevel / beams);
    beams = Math.round(beams * Math.SQRT2);
    maxLevel = Math.round(w * Math.SQRT2) * beams;
    if (beams > 10_000) break;
  }
  return { path: best.path, volume: best.volume, rounds, completions };
}
