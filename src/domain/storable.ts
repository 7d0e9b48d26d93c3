import type { Problem, Where } from './errors.ts';

/** Deepest nesting of arrays and objects a request body may have (Landbridge's own bodies stay under 8). */
export const MAX_JSON_DEPTH = 32;

/** Problems listed for one request before the guard stops looking. */
const MAX_GUARD_PROBLEMS = 50;

/**
 * What no store can keep and no caller means: text holding NUL or a lone UTF-16 surrogate (PostgreSQL
 * refuses both), a number beyond ±2^53 (not exact in JSON, beyond bigint in the store), nesting deeper than
 * {@link MAX_JSON_DEPTH} (recursive code would overflow the stack). Returns one problem per value found,
 * placed by `whereOf` (given the value's JSON pointer, `/parcels/3/consignee/name`), at most
 * {@link MAX_GUARD_PROBLEMS}. The API refuses such a request before any route reads it; importers refuse
 * such a row, so that no dialect stores what another would refuse.
 */
export function unstorableValues(value: unknown, whereOf: (pointer: string) => Where): Problem[] {
  const problems: Problem[] = [];
  const visit = (v: unknown, pointer: string, depth: number): void => {
    if (problems.length >= MAX_GUARD_PROBLEMS) return;
    if (typeof v === 'string') {
      const why = textProblem(v);
      if (why) problems.push({ where: whereOf(pointer), why });
      return;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v) || Math.abs(v) > Number.MAX_SAFE_INTEGER)
        problems.push({
          where: whereOf(pointer),
          why: 'is a number beyond ±9007199254740991 (2^53 − 1), larger than any value Landbridge takes',
        });
      return;
    }
    if (v === null || typeof v !== 'object') return;
    if (depth >= MAX_JSON_DEPTH) {
      problems.push({
        where: whereOf(pointer),
        why: `is nested more than ${MAX_JSON_DEPTH} levels deep`,
      });
      return;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) visit(v[i], `${pointer}/${i}`, depth + 1);
      return;
    }
    for (const [k, child] of Object.entries(v)) {
      const keyWhy = textProblem(k);
      if (keyWhy) problems.push({ where: whereOf(pointer), why: `a property name ${keyWhy}` });
      visit(child, `${pointer}/${k}`, depth + 1);
    }
  };
  visit(value, '', 0);
  return problems;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a text cannot be stored, or undefined. */
function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'holds a NUL character (U+0000), which no field may contain';
  if (LONE_SURROGATE.test(text))
    return 'holds a lone UTF-16 surrogate (not a character), which no field may contain';
  return undefined;
}
