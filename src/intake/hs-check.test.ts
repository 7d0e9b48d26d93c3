import { describe, expect, it } from 'vitest';
import { parcelInput } from '../../test/fixtures/parcel-input.ts';
import type { ParcelRecord } from '../domain/index.ts';
import { shippedHsIndex } from '../files/hs-files.ts';
import { checkBatchHsCodes } from './hs-check.ts';

const record = (row: number, description: string, hsCode: string): ParcelRecord => {
  const p = parcelInput(`O-${row}`);
  return { rows: [row], parcel: { ...p, items: [{ ...p.items[0]!, description, hsCode }] } as never };
};

describe('HS check of an import batch', () => {
  it('names a code that does not exist, flags a description that does not fit, the same in every batch', async () => {
    const index = shippedHsIndex();
    const batch = [
      record(1, 'Cotton T-shirt', '610910'),
      record(2, 'Cotton T-shirt', '999999'),
      record(3, 'Lithium-ion battery pack', '610910'),
      record(4, 'Cotton T-shirt', '610910'),
    ];
    const first = await checkBatchHsCodes(batch, index, { csv: false });
    expect(first.problems).toEqual([
      { where: { row: 2, field: 'items.0.hsCode' }, why: expect.stringContaining('999999') },
    ]);
    expect(first.flags.map((f) => [f.where.row, f.verdict])).toEqual([[3, 'doubtful']]);
    expect(first.flags[0]!.suggestions.some((s) => s.startsWith('8507'))).toBe(true);
    // a later batch of the same goods (its verdicts kept from the first) answers alike, by its own rows
    const second = await checkBatchHsCodes(
      batch.map((r, i) => ({ ...r, rows: [i + 11] })),
      index,
      { csv: true, file: 'b.csv' },
    );
    expect(second.problems.map((p) => [p.where.row, p.where.field])).toEqual([[12, 'item_hs_code']]);
    expect(second.flags.map((f) => [f.where.row, f.where.field, f.verdict, f.why])).toEqual([
      [13, 'item_description', 'doubtful', first.flags[0]!.why],
    ]);
  });
});
