import { z } from 'zod';
import type { HsNomenclature } from './nomenclature.ts';
import { englishTokens, hasCjk } from './text.ts';

/**
 * The keyword table (data/hs/keywords.json): the words sellers use for goods the hub ships, in English
 * and Chinese, tied to the HS headings or subheadings they usually mean and to English words the HS
 * texts use. It is what turns "手机" or "earbuds" into something the nomenclature's own words can match.
 */

export const HsKeywordEntrySchema = z.object({
  /** Words or phrases a seller writes: English (matched word by word) or Chinese (matched as text). */
  terms: z.array(z.string().trim().min(1).max(60)).min(1),
  /** Headings (4 digits) or subheadings (6) the terms usually mean. */
  codes: z
    .array(z.string().regex(/^\d{4}(\d{2})?$/, 'must be an HS heading (4 digits) or subheading (6)'))
    .default([]),
  /** English words of the HS texts the terms stand for (`earbuds` → `earphones`). */
  en: z.array(z.string().trim().min(1).max(60)).default([]),
  /** How strongly the terms point at their codes, 1 by default. */
  weight: z.number().positive().max(5).default(1),
});

export const HsKeywordsFileSchema = z.object({
  /** Who wrote the table and from what. */
  source: z.string().min(1),
  /**
   * Words that name no goods on their own ("gift", "parts", "sample"): a description made only of them
   * is too vague to classify or check.
   */
  generic: z.array(z.string().trim().min(1)).default([]),
  entries: z.array(HsKeywordEntrySchema).min(1),
});
export type HsKeywordsFile = z.input<typeof HsKeywordsFileSchema>;

/** One compiled entry. */
export interface HsKeyword {
  /** The first term, to show why a code was suggested. */
  readonly label: string;
  readonly codes: readonly string[];
  readonly enTokens: readonly string[];
  readonly weight: number;
}

/** The compiled table. */
export interface HsKeywords {
  readonly entries: readonly HsKeyword[];
  /** English phrases by their first word: the phrase's words and the entry. */
  readonly phrases: ReadonlyMap<
    string,
    readonly { readonly tokens: readonly string[]; readonly entry: number }[]
  >;
  /** Chinese terms (lower case), each to its entries. */
  readonly zh: ReadonlyMap<string, readonly number[]>;
  readonly zhMaxLength: number;
  /** Stemmed generic words. */
  readonly generic: ReadonlySet<string>;
}

export type ParseHsKeywordsResult =
  | { readonly ok: true; readonly keywords: HsKeywords }
  | { readonly ok: false; readonly problems: readonly { readonly field: string; readonly why: string }[] };

/**
 * Validates the keyword table against the nomenclature (every code must exist) and compiles it. The
 * same term in two entries is refused, so that a term means one thing.
 */
export function parseHsKeywords(data: unknown, nom: HsNomenclature): ParseHsKeywordsResult {
  const parsed = HsKeywordsFileSchema.safeParse(data);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => ({ field: i.path.map(String).join('.'), why: i.message })),
    };
  }
  const problems: { field: string; why: string }[] = [];
  const phrases = new Map<string, { tokens: string[]; entry: number }[]>();
  const zh = new Map<string, number[]>();
  const seen = new Map<string, number>();
  const entries: HsKeyword[] = [];
  parsed.data.entries.forEach((e, i) => {
    e.codes.forEach((code, k) => {
      if (!nom.entries.has(code))
        problems.push({ field: `entries.${i}.codes.${k}`, why: `${code} is not an ${nom.edition} code` });
    });
    e.terms.forEach((term, k) => {
      const key = hasCjk(term) ? term.toLowerCase() : englishTokens(term).join(' ');
      if (key === '') {
        problems.push({ field: `entries.${i}.terms.${k}`, why: `"${term}" has no word to match` });
        return;
      }
      const before = seen.get(key);
      if (before !== undefined && before !== i) {
        problems.push({
          field: `entries.${i}.terms.${k}`,
          why: `"${term}" is already a term of entry ${before}`,
        });
        return;
      }
      seen.set(key, i);
      if (hasCjk(term)) {
        const list = zh.get(key) ?? [];
        if (!list.includes(i)) list.push(i);
        zh.set(key, list);
      } else {
        const tokens = key.split(' ');
        const first = tokens[0] as string;
        const list = phrases.get(first) ?? [];
        list.push({ tokens, entry: i });
        phrases.set(first, list);
      }
    });
    entries.push({
      label: e.terms[0] as string,
      codes: e.codes,
      enTokens: e.en.flatMap((w) => englishTokens(w)),
      weight: e.weight,
    });
  });
  // Longest phrase first, so "phone case" wins over "phone".
  for (const list of phrases.values()) list.sort((a, b) => b.tokens.length - a.tokens.length);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    keywords: {
      entries,
      phrases,
      zh,
      zhMaxLength: Math.max(1, ...[...zh.keys()].map((k) => k.length)),
      generic: new Set(parsed.data.generic.flatMap((g) => englishTokens(g))),
    },
  };
}

/** What a query means to the classifier: its English words, and the keyword entries it names. */
export interface ReadQuery {
  readonly tokens: readonly string[];
  readonly entries: readonly number[];
  readonly language: 'en' | 'zh' | 'mixed' | 'none';
}

/**
 * Reads a query: Chinese terms of the table are found by longest match first and taken out; the rest
 * is read as English words, whose phrases are looked up in the table too.
 */
export function readQuery(keywords: HsKeywords, query: string): ReadQuery {
  const entries: number[] = [];
  let text = query.toLowerCase();
  const cjk = hasCjk(text);
  if (cjk) {
    let out = '';
    for (let i = 0; i < text.length; ) {
      let matched = 0;
      for (let len = Math.min(keywords.zhMaxLength, text.length - i); len >= 1; len--) {
        const hit = keywords.zh.get(text.slice(i, i + len));
        if (hit) {
          entries.push(...hit);
          matched = len;
          break;
        }
      }
      if (matched > 0) {
        out += ' ';
        i += matched;
      } else {
        out += text[i];
        i += 1;
      }
    }
    text = out;
  }
  const tokens = englishTokens(text);
  for (let i = 0; i < tokens.length; i++) {
    const candidates = keywords.phrases.get(tokens[i] as string);
    if (!candidates) continue;
    const found = candidates.find((c) => c.tokens.every((t, k) => tokens[i + k] === t));
    if (!found) continue;
    entries.push(found.entry);
    i += found.tokens.length - 1;
  }
  const hasLatin = tokens.length > 0;
  return {
    tokens,
    entries: [...new Set(entries)],
    language: cjk ? (hasLatin ? 'mixed' : 'zh') : hasLatin ? 'en' : 'none',
  };
}
