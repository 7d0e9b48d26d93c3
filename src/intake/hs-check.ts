import type { ParcelRecord, Problem, Where } from '../domain/index.ts';
import { checkDeclaredHsCode, checkHsFit, type HsIndex } from '../hs/index.ts';
import { Turns } from '../store/index.ts';

/** A line accepted but worth a second look: its description does not fit its code, or is too vague. */
export interface ImportFlag {
  readonly where: Where;
  readonly verdict: 'doubtful' | 'vague';
  readonly why: string;
  /** Subheadings the description reads like, best first. */
  readonly suggestions: readonly string[];
}

/** (description, code) verdicts kept per HS index, the oldest dropped past this many. */
export const FITS_KEPT = 20_000;
const fits = new WeakMap<HsIndex, Map<string, ReturnType<typeof checkHsFit>>>();
function fitsOf(index: HsIndex): Map<string, ReturnType<typeof checkHsFit>> {
  let m = fits.get(index);
  if (!m) {
    m = new Map();
    fits.set(index, m);
  }
  return m;
}

/**
 * Checks every item line of a batch against the HS 2022 nomenclature: a code that does not exist is a
 * problem naming its row and field (`items.0.hsCode: 999999 is not an HS 2022 code`); a description that
 * does not fit its code, or names no goods, is a flag. CSV rows are one per item line, so a CSV problem
 * names the line's own row and the `item_hs_code` / `item_description` column.
 */
export async function checkBatchHsCodes(
  records: readonly ParcelRecord[],
  index: HsIndex,
  options: { readonly file?: string; readonly csv: boolean },
): Promise<{ problems: Problem[]; flags: ImportFlag[] }> {
  const problems: Problem[] = [];
  const flags: ImportFlag[] = [];
  const base: Where = options.file ? { file: options.file } : {};
  // Batches repeat the same goods: check each code once per batch, and each (description, code) once
  // per process while it is among the most recent (sellers send the same products batch after batch).
  const codeMemo = new Map<string, string | undefined>();
  const fitMemo = fitsOf(index);
  // classifying thousands of distinct descriptions is seconds: the event loop gets its turns
  const turns = new Turns();
  for (const record of records) {
    if (turns.due) await turns.take();
    record.parcel.items.forEach((item, k) => {
      const row = options.csv ? (record.rows[k] ?? record.rows[0]!) : record.rows[0]!;
      const codeField = options.csv ? 'item_hs_code' : `items.${k}.hsCode`;
      let why = codeMemo.get(item.hsCode);
      if (!codeMemo.has(item.hsCode)) {
        why = checkDeclaredHsCode(index.nomenclature, item.hsCode);
        codeMemo.set(item.hsCode, why);
      }
      if (why !== undefined) {
        problems.push({ where: { ...base, row, field: codeField }, why });
        return;
      }
      const key = `${item.hsCode}\u0000${item.description}`;
      let fit = fitMemo.get(key);
      if (!fit) {
        fit = checkHsFit(index, item.description, item.hsCode);
        fitMemo.set(key, fit);
        if (fitMemo.size > FITS_KEPT) fitMemo.delete(fitMemo.keys().next().value!);
      }
      if (fit.verdict === 'fits') return;
      flags.push({
        where: { ...base, row, field: options.csv ? 'item_description' : `items.${k}.description` },
        verdict: fit.verdict,
        why: fit.message,
        suggestions: fit.suggestions.map((s) => s.code),
      });
    });
  }
  return { problems, flags };
}
