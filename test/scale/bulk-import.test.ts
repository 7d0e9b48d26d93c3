/**
 * The bulk import path: every seller's parcels of a batch in one write (one COPY on PostgreSQL), the
 * duplicate check in one query per few thousand orders whatever the sellers; on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LandbridgeError, parcelsFromJson } from '../../src/domain/index.ts';
import { shippedHsIndex } from '../../src/files/hs-files.ts';
import { generateParcels } from '../../src/generate/index.ts';
import { importParcels } from '../../src/intake/index.ts';
import { openStore, orderKey, type Store } from '../../src/store/index.ts';
import { dialects } from '../fixtures/dialects.ts';

const NOW = Date.parse('2026-11-30T00:00:00Z');

for (const dialect of await dialects()) {
  describe.skipIf(dialect.skipReason !== undefined)(
    `bulk parcel import on ${dialect.name}${dialect.skipReason ? ` (skipped: ${dialect.skipReason})` : ''}`,
    () => {
      let store: Store;
      const { sellers, parcels } = generateParcels({ count: 3_000, seed: 5, from: '2026-12-01', days: 3 });
      beforeAll(async () => {
        store = await openStore(await dialect.setUp());
        for (const s of sellers) await store.sellers.upsert(s);
      });
      afterAll(async () => {
        await store?.close();
        await dialect.tearDown();
      });

      it('imports many sellers’ parcels at once, reporting progress, each under its seller', async () => {
        const progress: number[] = [];
        // the loop gets its turns while the batch is checked and written (a timer fires meanwhile)
        shippedHsIndex(); // built once per process (the server builds it as it starts listening)
        const batch = parcelsFromJson(parcels, 'generated');
        let ticks = 0;
        const timer = setInterval(() => ticks++, 1);
        const started = performance.now();
        const r = await importParcels(store, batch, {
          actor: { role: 'operator' },
          receivedAtMs: NOW,
          sellerField: 'sellerId',
          onProgress: (written, total) => {
            expect(total).toBe(3_000);
            progress.push(written);
          },
        });
        clearInterval(timer);
        // a turn every 25 ms slice (timers late on a loaded machine: half of them, at least 1 — without
        // the slices there are none; a quiet run of 164 ms had 1, so "at least 3" failed on a fast machine)
        const ms = performance.now() - started;
        expect(ticks, `${ticks} turns in ${ms.toFixed(0)} ms`).toBeGreaterThanOrEqual(
          Math.max(1, Math.floor(ms / 50) - 2),
        );
        expect(r.imported).toBe(3_000);
        expect(progress.at(-1)).toBe(3_000);
        const bySeller = new Map<string, number>();
        for (const p of parcels) bySeller.set(p.sellerId, (bySeller.get(p.sellerId) ?? 0) + 1);
        expect(bySeller.size).toBeGreaterThan(10);
        for (const [sellerId, n] of bySeller) expect(await store.parcels.count({ sellerId })).toBe(n);
        // Ids in import order: the first parcel's id sorts first.
        expect([...r.parcelIds].sort()).toEqual(r.parcelIds);
        const first = await store.parcels.get(r.parcelIds[0]!);
        expect(first?.externalOrderId).toBe(parcels[0]!.externalOrderId);
        expect(first?.sellerId).toBe(parcels[0]!.sellerId);
      });

      it('finds orders imported before across sellers, and refuses them naming seller and row', async () => {
        const asked = [
          { sellerId: parcels[0]!.sellerId, externalOrderId: parcels[0]!.externalOrderId },
          { sellerId: parcels[2_999]!.sellerId, externalOrderId: parcels[2_999]!.externalOrderId },
          { sellerId: parcels[0]!.sellerId, externalOrderId: 'never-seen' },
          { sellerId: 'no-such-seller', externalOrderId: parcels[1]!.externalOrderId },
        ];
        const found = await store.parcels.findExistingOrders(asked);
        expect([...found].sort()).toEqual(
          [
            orderKey(asked[0]!.sellerId, asked[0]!.externalOrderId),
            orderKey(asked[1]!.sellerId, asked[1]!.externalOrderId),
          ].sort(),
        );
        const again = [{ ...parcels[5]!, externalOrderId: 'fresh-1' }, parcels[7]!];
        const error = await importParcels(store, parcelsFromJson(again, 'again.json'), {
          actor: { role: 'operator' },
          receivedAtMs: NOW,
          file: 'again.json',
          sellerField: 'sellerId',
        }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(LandbridgeError);
        expect((error as LandbridgeError).problems).toEqual([
          {
            where: { file: 'again.json', row: 2, field: 'externalOrderId' },
            why: `order ${parcels[7]!.externalOrderId} of ${parcels[7]!.sellerId} was imported before`,
          },
        ]);
        // Nothing of the refused batch was written.
        expect(await store.parcels.count({ externalOrderId: 'fresh-1' })).toBe(0);
      });

      it('writes a batch of several sellers all or nothing', async () => {
        const [a, b] = [sellers[0]!.id, sellers[1]!.id];
        const draft = (n: number, sellerId: string, order: string) => ({
          id: `00000000-0000-7000-8000-00000000000${n}`,
          sellerId,
          externalOrderId: order,
          readyAtMs: NOW,
          createdAtMs: NOW,
          promisedDeliveryDate: '2026-12-30',
          incoterm: 'DAP' as const,
          serviceLevel: 'standard' as const,
          grossWeightG: 1000,
          dimensions: { lengthMm: 300, widthMm: 200, heightMm: 100 },
          dangerousGoods: [],
          consignee: { name: 'A', address: 'B', city: 'C', postcode: '1', country: 'PL', phone: '+481' },
          items: [],
        });
        const clash = [draft(1, a, 'batch-1'), draft(2, b, 'batch-2'), draft(3, b, 'batch-2')];
        const error = await store.parcels.insertBatch(clash).catch((e: unknown) => e);
        expect((error as LandbridgeError).code).toBe('conflict');
        expect(await store.parcels.count({ externalOrderId: 'batch-1' })).toBe(0);
        expect(await store.parcels.insertBatch(clash.slice(0, 2))).toBe(2);
        expect(await store.parcels.count({ externalOrderId: 'batch-2', sellerId: b })).toBe(1);
      });
    },
  );
}
