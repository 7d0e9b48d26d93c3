import type { HsKeywords } from './keywords.ts';
import { readQuery } from './keywords.ts';
import { type HsNomenclature, lookupHs, normalizeHsCode } from './nomenclature.ts';
import { hsTextTokens } from './text.ts';

/**
 * Classification help: ranks HS 2022 subheadings for a goods description, in English or Chinese. Each
 * subheading is a document of three fields — its own text, its heading's and its chapter's — scored
 * with BM25F (Robertson & Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond", 2009);
 * terms of the keyword table add their headings' weight and their English words to the query. No model,
 * no download: the shipped nomenclature and keyword table are all it reads.
 */

/** The knobs of the ranking; {@link DEFAULT_TUNING} was set on the development half of the labelled set. */
export interface HsTuning {
  /** BM25 saturation. */
  readonly k1: number;
  /** BM25 length normalisation, per field. */
  readonly b: number;
  /** Weight of a word in the subheading's own text, its heading's text and its chapter's text. */
  readonly subWeight: number;
  readonly headingWeight: number;
  readonly chapterWeight: number;
  /** Score a keyword entry adds to each subheading of its codes, times its weight. */
  readonly keywordBoost: number;
  /** Weight of the English words a keyword entry stands for, beside the query's own (1). */
  readonly expansionWeight: number;
}

export const DEFAULT_TUNING: HsTuning = {
  k1: 1.2,
  b: 0.6,
  subWeight: 1,
  headingWeight: 0.7,
  chapterWeight: 0.3,
  keywordBoost: 4,
  expansionWeight: 0.8,
};

/** The search index over the nomenclature's subheadings. Plain data; build once with {@link buildHsIndex}. */
export interface HsIndex {
  readonly nomenclature: HsNomenclature;
  readonly keywords: HsKeywords;
  readonly tuning: HsTuning;
  /** Subheading codes in code order: document i is `docs[i]`. */
  readonly docs: readonly string[];
  /** Per word: the documents holding it and its BM25F score there. */
  readonly postings: ReadonlyMap<string, { readonly docs: Int32Array; readonly scores: Float32Array }>;
  /** First and one-past-last document of each chapter and heading (documents are in code order). */
  readonly ranges: ReadonlyMap<string, readonly [number, number]>;
}

function countWords(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of hsTextTokens(text)) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}

/**
 * Builds the index: BM25F weights of every word in every subheading, precomputed, so a query only adds
 * up postings.
 */
export function buildHsIndex(
  nomenclature: HsNomenclature,
  keywords: HsKeywords,
  tuning: HsTuning = DEFAULT_TUNING,
): HsIndex {
  const docs = [...nomenclature.entries.values()]
    .filter((e) => e.level === 6)
    .map((e) => e.code)
    .sort();
  const ranges = new Map<string, [number, number]>();
  docs.forEach((code, i) => {
    for (const p of [code.slice(0, 2), code.slice(0, 4)]) {
      const r = ranges.get(p);
      if (r) r[1] = i + 1;
      else ranges.set(p, [i, i + 1]);
    }
  });
  // Each text (a subheading's, a heading's, a chapter's) is read once: its words as ids and counts.
  const wordIds = new Map<string, number>();
  const words: string[] = [];
  const textCache = new Map<string, { ids: Int32Array; counts: Float64Array; length: number }>();
  const fieldOf = (code: string) => {
    let f = textCache.get(code);
    if (!f) {
      const counted = countWords(nomenclature.entries.get(code)?.description ?? '');
      const ids = new Int32Array(counted.size);
      const counts = new Float64Array(counted.size);
      let k = 0;
      let length = 0;
      for (const [w, c] of counted) {
        let id = wordIds.get(w);
        if (id === undefined) {
          id = words.length;
          words.push(w);
          wordIds.set(w, id);
        }
        ids[k] = id;
        counts[k] = c;
        length += c;
        k++;
      }
      f = { ids, counts, length };
      textCache.set(code, f);
    }
    return f;
  };
  const fields = docs.map((code) => [fieldOf(code), fieldOf(code.slice(0, 4)), fieldOf(code.slice(0, 2))]);
  const avg = [0, 1, 2].map((k) => fields.reduce((s, f) => s + f[k]!.length, 0) / Math.max(1, fields.length));
  const weights = [tuning.subWeight, tuning.headingWeight, tuning.chapterWeight];
  // Pseudo term frequency per (word, doc) in a scratch row, then postings in typed arrays (two passes:
  // count, then fill), so the build makes few short-lived objects.
  const scratch = new Float64Array(words.length);
  const touched: number[] = [];
  const docWords: Int32Array[] = [];
  const docTf: Float64Array[] = [];
  const df = new Int32Array(words.length);
  fields.forEach((f) => {
    touched.length = 0;
    f.forEach((field, k) => {
      const scale = (weights[k] as number) / (1 - tuning.b + tuning.b * (field.length / (avg[k] || 1)));
      for (let j = 0; j < field.ids.length; j++) {
        const id = field.ids[j]!;
        if (scratch[id] === 0) touched.push(id);
        scratch[id]! += scale * field.counts[j]!;
      }
    });
    const ids = Int32Array.from(touched);
    const tfs = new Float64Array(ids.length);
    ids.forEach((id, j) => {
      tfs[j] = scratch[id]!;
      scratch[id] = 0;
      df[id]! += 1;
    });
    docWords.push(ids);
    docTf.push(tfs);
  });
  const n = docs.length;
  const postingDocs = words.map((_, id) => new Int32Array(df[id]!));
  const postingScores = words.map((_, id) => new Float32Array(df[id]!));
  const idf = Float64Array.from(words, (_, id) => Math.log(1 + (n - df[id]! + 0.5) / (df[id]! + 0.5)));
  const fill = new Int32Array(words.length);
  for (let d = 0; d < n; d++) {
    const ids = docWords[d]!;
    const tfs = docTf[d]!;
    for (let j = 0; j < ids.length; j++) {
      const id = ids[j]!;
      const t = tfs[j]!;
      const at = fill[id]!++;
      postingDocs[id]![at] = d;
      postingScores[id]![at] = (idf[id]! * t * (tuning.k1 + 1)) / (t + tuning.k1);
    }
  }
  const postings = new Map<string, { docs: Int32Array; scores: Float32Array }>();
  words.forEach((w, id) => {
    postings.set(w, { docs: postingDocs[id]!, scores: postingScores[id]! });
  });
  return { nomenclature, keywords, tuning, docs, postings, ranges };
}

/** A subheading or heading suggested for a description. */
export interface HsSuggestion {
  readonly code: string;
  readonly level: 4 | 6;
  readonly description: string;
  readonly heading: { readonly code: string; readonly description: string };
  readonly chapter: { readonly code: string; readonly description: string };
  /** The ranking's score: comparable within one answer only. */
  readonly score: number;
  /** Keyword-table terms of the query that point here. */
  readonly keywords: readonly string[];
}

export interface HsSearchResult {
  readonly query: string;
  readonly language: 'en' | 'zh' | 'mixed' | 'none' | 'code';
  /** The English words the ranking used (the query's own and the keyword table's). */
  readonly words: readonly string[];
  /** Keyword-table terms found in the query. */
  readonly keywords: readonly string[];
  readonly results: readonly HsSuggestion[];
}

export interface HsSearchOptions {
  /** How many results. Default 10. */
  readonly limit?: number;
  /** 6: subheadings (default); 4: headings, each scored by its best subheading. */
  readonly level?: 4 | 6;
}

interface Scored {
  readonly scores: Float64Array;
  readonly words: readonly string[];
  readonly entries: readonly number[];
  readonly language: HsSearchResult['language'];
  /** Whether any word or keyword of the query is known to the index. */
  readonly matched: boolean;
}

function scoreQuery(index: HsIndex, query: string): Scored {
  const q = readQuery(index.keywords, query);
  const scores = new Float64Array(index.docs.length);
  const weights = new Map<string, number>();
  for (const t of q.tokens) weights.set(t, 1);
  for (const e of q.entries) {
    for (const t of index.keywords.entries[e]!.enTokens) {
      if (!weights.has(t)) weights.set(t, index.tuning.expansionWeight);
    }
  }
  let matched = false;
  for (const [t, w] of weights) {
    const p = index.postings.get(t);
    if (!p) continue;
    // Generic words ("parts", "gift") still rank, but alone they do not make a description checkable.
    if (!index.keywords.generic.has(t)) matched = true;
    for (let i = 0; i < p.docs.length; i++) scores[p.docs[i]!]! += w * p.scores[i]!;
  }
  for (const e of q.entries) {
    const entry = index.keywords.entries[e]!;
    for (const code of entry.codes) {
      const r = index.ranges.get(code) ?? rangeOfSub(index, code);
      if (!r) continue;
      matched = true;
      for (let d = r[0]; d < r[1]; d++) scores[d]! += index.tuning.keywordBoost * entry.weight;
    }
  }
  return { scores, words: [...weights.keys()], entries: q.entries, language: q.language, matched };
}

function rangeOfSub(index: HsIndex, code: string): readonly [number, number] | undefined {
  const r = index.ranges.get(code.slice(0, 4));
  if (!r) return undefined;
  for (let d = r[0]; d < r[1]; d++) if (index.docs[d] === code) return [d, d + 1];
  return undefined;
}

/** Document indices by score, best first (ties in code order), only those scoring above zero. */
function ranked(scores: Float64Array): number[] {
  const idx: number[] = [];
  for (let i = 0; i < scores.length; i++) if (scores[i]! > 0) idx.push(i);
  idx.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return idx;
}

function suggestion(index: HsIndex, code: string, score: number, entries: readonly number[]): HsSuggestion {
  const nom = index.nomenclature;
  const heading = nom.entries.get(code.slice(0, 4));
  const chapter = nom.entries.get(code.slice(0, 2));
  const kws = entries
    .map((e) => index.keywords.entries[e]!)
    .filter((e) => e.codes.some((c) => code.startsWith(c) || c.startsWith(code)))
    .map((e) => e.label);
  return {
    code,
    level: code.length === 4 ? 4 : 6,
    description: nom.entries.get(code)?.description ?? '',
    heading: { code: code.slice(0, 4), description: heading?.description ?? '' },
    chapter: { code: code.slice(0, 2), description: chapter?.description ?? '' },
    score: Math.round(score * 1000) / 1000,
    keywords: kws,
  };
}

/**
 * Ranks HS subheadings (or headings) for a goods description or product title, English or Chinese. A
 * query that is a code (`6109`, `8517.13`) answers that code and what lies under it.
 *
 * @example searchHs(index, 'wireless earbuds with charging case').results[0].code // '851830'
 */
export function searchHs(index: HsIndex, query: string, options: HsSearchOptions = {}): HsSearchResult {
  const limit = options.limit ?? 10;
  const level = options.level ?? 6;
  const trimmed = query.trim();
  if (/^\d[\d.\s]*$/.test(trimmed)) {
    const code = normalizeHsCode(trimmed);
    const found = lookupHs(index.nomenclature, code);
    const results: HsSuggestion[] = [];
    if (found.ok) {
      const codes =
        found.level === 6
          ? [found.hsCode]
          : found.level === 4
            ? [found.hsCode, ...found.children]
            : found.children;
      for (const c of codes) if (c.length >= 4) results.push(suggestion(index, c, 0, []));
    }
    return { query, language: 'code', words: [], keywords: [], results: results.slice(0, limit) };
  }
  const s = scoreQuery(index, trimmed);
  const order = ranked(s.scores);
  const results: HsSuggestion[] = [];
  if (level === 6) {
    for (const d of order.slice(0, limit))
      results.push(suggestion(index, index.docs[d]!, s.scores[d]!, s.entries));
  } else {
    const seen = new Set<string>();
    for (const d of order) {
      const heading = index.docs[d]!.slice(0, 4);
      if (seen.has(heading)) continue;
      seen.add(heading);
      results.push(suggestion(index, heading, s.scores[d]!, s.entries));
      if (results.length >= limit) break;
    }
  }
  return {
    query,
    language: s.language,
    words: s.words,
    keywords: s.entries.map((e) => index.keywords.entries[e]!.label),
    results,
  };
}

/** Whether a description fits the code declared for it. */
export interface HsFit {
  /** `fits`; `doubtful`: the description points elsewhere; `vague`: it names no goods the index knows. */
  readonly verdict: 'fits' | 'doubtful' | 'vague';
  readonly code: string;
  /** Rank of the code's heading among the headings the description points at (1 = best), if any. */
  readonly headingRank?: number;
  /** The best subheadings for the description. */
  readonly suggestions: readonly HsSuggestion[];
  /** One line for a person. */
  readonly message: string;
}

/** A code's heading ranked within this many headings fits; below it, the description is doubtful. */
export const FIT_HEADING_RANK = 10;

/**
 * Checks a description against its declared code: it fits when the code's heading is among the
 * {@link FIT_HEADING_RANK} headings the description points at most. It flags, it does not decide: a
 * doubtful line may be right (a terse or unusual title), a fitting one wrong within its heading.
 *
 * @example checkHsFit(index, 'Bluetooth speaker', '610910').verdict // 'doubtful'
 */
export function checkHsFit(index: HsIndex, description: string, code: string): HsFit {
  const s = scoreQuery(index, description);
  const order = ranked(s.scores);
  const suggestions = order
    .slice(0, 3)
    .map((d) => suggestion(index, index.docs[d]!, s.scores[d]!, s.entries));
  if (!s.matched || order.length === 0) {
    return {
      verdict: 'vague',
      code,
      suggestions,
      message: `"${description}" names no goods the HS texts or the keyword table know: too vague to check against ${code}`,
    };
  }
  const heading = code.slice(0, 4);
  const seen = new Set<string>();
  let rank: number | undefined;
  for (const d of order) {
    const h = index.docs[d]!.slice(0, 4);
    if (seen.has(h)) continue;
    seen.add(h);
    if (h === heading) {
      rank = seen.size;
      break;
    }
    if (seen.size >= 50) break;
  }
  const fits = rank !== undefined && rank <= FIT_HEADING_RANK;
  const best = suggestions[0];
  return {
    verdict: fits ? 'fits' : 'doubtful',
    code,
    ...(rank !== undefined ? { headingRank: rank } : {}),
    suggestions,
    message: fits
      ? `"${description}" fits heading ${heading} (rank ${rank})`
      : `"${description}" does not look like heading ${heading}` +
        (best ? `; it reads like ${best.code} (${best.description})` : ''),
  };
}
