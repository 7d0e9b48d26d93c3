import { describe, expect, it } from 'vitest';
import { parcelId } from './parcel-id.ts';

describe('parcel ids', () => {
  it('are RFC 9562 version 7 UUIDs that sort in creation order and never repeat', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => parcelId(1_795_000_000_000 + Math.floor(i / 3)));
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('carry the millisecond in their first 48 bits', () => {
    const ms = 1_795_123_456_789;
    const id = parcelId(ms);
    expect(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(ms);
    expect(parcelId(0).slice(0, 13)).toBe('00000000-0000');
  });
});
