import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileDeparture, fileMonthlySummary, reportDeparture } from '../src/eport/filing.ts';
import { TestCustomsResponder } from '../src/eport/test-responder.ts';
import { validateXml } from '../src/eport/xsd.ts';
import { runCustomsExchange } from '../src/jobs/index.ts';
import type { DeclarationRecord } from '../src/store/index.ts';
import { type CustomsHub, customsDialects, customsHub, HUB } from './fixtures/customs-hub.ts';

for (const dialect of customsDialects())
  describe(`a departure end to end through the folder exchange (test customs responder), ${dialect.name}`, () => {
    let hub: CustomsHub;
    let rejected: string;
    let inspected: string;
    let mismatched: string;
    const byId = async () =>
      new Map(
        (await hub.store.customs.listDeclarations(HUB)).map(
          (d) => [d.parcelId, d] as [string, DeclarationRecord],
        ),
      );

    beforeAll(async () => {
      hub = await customsHub(24, await dialect.url());
      [mismatched, rejected, inspected] = hub.parcelIds as [string, string, string];
      // The platform reported another order number for one parcel: matching must hold it.
      await hub.store.customs.saveReferences(HUB, [
        { parcelId: mismatched, references: { orderNo: 'AE-NOT-THIS-ONE' } },
      ]);
    });
    afterAll(async () => {
      await hub.store.close();
      await dialect.drop();
    });

    it('files the departure: the mismatched parcel is held with the field and both values, the others are sent', async () => {
      const r = await fileDeparture(hub.filing, 'cre-duisburg-ala@2026-12-03T09:00');
      expect(r.parcels).toBe(24);
      expect(r.sent).toBe(23);
      expect(r.held.map((h) => h.parcelId)).toEqual([mismatched]);
      expect(r.held[0]!.reasons.join('\n')).toMatch(/order\.orderNo: list ".+" ≠ order "AE-NOT-THIS-ONE"/);
      expect(new Set(r.messages.map((m) => m.type))).toEqual(
        new Set([
          'CEB303Message',
          'CEB403Message',
          'CEB505Message',
          'CEB603Message',
          'CEB507Message',
          'CEB607Message',
        ]),
      );
      const out = await readdir(hub.filing.folders.out);
      expect(out.filter((n) => n.endsWith('.xml'))).toHaveLength(r.messages.length);
      const d = (await byId()).get(mismatched)!;
      expect(d.status).toBe('held');
      expect(d.mismatches[0]).toMatchObject({ field: 'order.orderNo', actual: 'AE-NOT-THIS-ONE' });
      expect((await hub.store.parcels.get(mismatched))!.status).toBe('held');
      expect((await hub.store.customs.listEvents(HUB, mismatched)).map((e) => e.code)).toEqual([
        'EXPORT_CUSTOMS_HOLD',
      ]);
    });

    it('receipts in: one list rejected with its reason, one sent to inspection, the rest released; events follow', async () => {
      const decls = await byId();
      const responder = new TestCustomsResponder(
        hub.filing.folders,
        {
          lists: {
            [decls.get(rejected)!.logisticsNo]: { reject: 'declared value below the platform price' },
            [decls.get(inspected)!.logisticsNo]: 'inspection',
          },
        },
        () => hub.clock.ms,
      );
      hub.clock.ms += 3_600_000;
      const r = await runCustomsExchange({
        store: hub.store,
        hubId: HUB,
        folders: hub.filing.folders,
        nowMs: () => hub.clock.ms,
        testResponder: responder,
      });
      expect(r.errors).toEqual([]);
      expect(r.processed).toBeGreaterThan(5);
      const after = await byId();
      expect(after.get(rejected)).toMatchObject({ status: 'rejected' });
      expect(after.get(rejected)!.reason).toMatch(/declared value below the platform price/);
      expect((await hub.store.parcels.get(rejected))!.status).toBe('held');
      expect((await hub.store.customs.listEvents(HUB, rejected)).map((e) => [e.code, e.reason])).toEqual([
        ['EXPORT_CUSTOMS_HOLD', expect.stringMatching(/customs rejected the list 100/)],
      ]);
      expect(after.get(inspected)!.status).toBe('inspection');
      expect((await hub.store.customs.listEvents(HUB, inspected)).map((e) => e.code)).toEqual([
        'EXPORT_CUSTOMS_HOLD',
      ]);
      const released = [...after.values()].filter((d) => d.status === 'released');
      expect(released).toHaveLength(21);
      for (const d of released) {
        expect(d.invtNo).toMatch(/^\d{4}\d{4}E\d{9}$/);
        expect(d.documentStatus).toMatchObject({
          order: 'accepted (120)',
          payment: 'accepted (120)',
          waybill: 'accepted (120)',
          list: 'released (800)',
        });
      }
      expect((await hub.store.customs.listEvents(HUB, released[0]!.parcelId)).map((e) => e.code)).toEqual([
        'EXPORT_CUSTOMS_RELEASED',
      ]);
      const dep = await hub.store.customs.getDeparture(HUB, 'cre-duisburg-ala@2026-12-03T09:00');
      expect(dep).toMatchObject({ arrivalStatus: 'concluded (399)', masterStatus: 'concluded (399)' });
    });

    it("the responder's receipts are valid against the XSD, and each was taken in once", async () => {
      const files = (await readdir(hub.filing.folders.processed)).filter((n) => n.endsWith('.xml'));
      const verdicts = await validateXml(
        await Promise.all(
          files.map(async (n) => ({
            name: n,
            xml: await readFile(join(hub.filing.folders.processed, n), 'utf8'),
          })),
        ),
      );
      expect(verdicts.filter((v) => !v.valid)).toEqual([]);
      // A copy of a processed receipt dropped in again is a duplicate, applied no second time.
      await copyFile(
        join(hub.filing.folders.processed, files[0]!),
        join(hub.filing.folders.in, `again-${files[0]}`),
      );
      const r = await runCustomsExchange({
        store: hub.store,
        hubId: HUB,
        folders: hub.filing.folders,
        nowMs: () => hub.clock.ms,
      });
      expect(r).toMatchObject({ processed: 0, duplicates: 1, errors: [] });
    });

    it('a receipt that cannot be read goes to the error folder with the reason', async () => {
      await writeFile(join(hub.filing.folders.in, 'garbage.xml'), '<ceb:CEB604Message><oops');
      const r = await runCustomsExchange({
        store: hub.store,
        hubId: HUB,
        folders: hub.filing.folders,
        nowMs: () => hub.clock.ms,
      });
      expect(r.errors).toHaveLength(1);
      const errorFiles = await readdir(hub.filing.folders.error);
      expect(errorFiles.sort()).toEqual(['garbage.xml', 'garbage.xml.reason.txt']);
      expect(await readFile(join(hub.filing.folders.error, 'garbage.xml.reason.txt'), 'utf8')).toMatch(
        /not well-formed/,
      );
      expect(await readdir(hub.filing.folders.in)).not.toContain('garbage.xml');
    });

    it('the departure report carries only the released parcels; held, rejected and inspected ones stay', async () => {
      const r = await reportDeparture(hub.filing, 'cre-duisburg-ala@2026-12-03T09:00');
      expect(r.onBoard).toBe(21);
      expect(r.left.map((l) => l.parcelId).sort()).toEqual([mismatched, rejected, inspected].sort());
      const xml = (await hub.store.customs.getMessage(HUB, r.messages[0]!.id))!.xml;
      const decls = await byId();
      expect(xml).not.toContain(decls.get(rejected)!.logisticsNo);
      expect(xml).toContain(
        `<ceb:logisticsNo>${[...decls.values()].find((d) => d.status === 'released')!.logisticsNo}</ceb:logisticsNo>`,
      );
    });

    it('the monthly summary groups the released lines and CEB792 maps them to declarations', async () => {
      const plan = await fileMonthlySummary(hub.filing, { month: '2026-12' });
      const lines = await hub.store.customs.releasedLines(HUB);
      expect(plan.declarations.flatMap((d) => d.items.flatMap((i) => i.lines)).length).toBe(lines.length);
      for (const d of plan.declarations) {
        const ls = lines.filter((l) => l.ebcCode === d.ebcCode && l.trafMode === d.trafMode);
        for (const item of d.items)
          expect(item.totalMinor).toBe(
            ls
              .filter((l) => l.gcode === item.gcode && l.currency === item.currency && l.unit === item.unit)
              .reduce((a, l) => a + l.totalMinor, 0),
          );
      }
      expect(plan.requests.length).toBe(new Set(lines.map((l) => l.ebcCode)).size);
      hub.clock.ms += 3_600_000;
      const responder = new TestCustomsResponder(hub.filing.folders, {}, () => hub.clock.ms);
      await runCustomsExchange({
        store: hub.store,
        hubId: HUB,
        folders: hub.filing.folders,
        nowMs: () => hub.clock.ms,
        testResponder: responder,
      });
      const mapped = await hub.store.customs.releasedLines(HUB);
      expect(mapped.every((l) => l.declSeqNo && l.entryId && l.gseqno)).toBe(true);
      const summaries = await hub.store.customs.listSummaries(HUB, '2026-12');
      expect(summaries.every((s) => s.sumNo && s.status.startsWith('result'))).toBe(true);
    });
  });
