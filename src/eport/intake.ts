import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  type CustomsEventCode,
  type CustomsEventKind,
  type DeclarationStatus,
  type ParsedReceipt,
  parseReceipt,
  type ReceiptEntry,
  transitionOf,
} from '../customs/index.ts';
import type { Repositories, Store } from '../store/index.ts';
import { type ExchangeFolders, moveInto, readFile, readyFiles, writeAtomic } from './folders.ts';

/** A customs event of a parcel: hold (with the kind of hold) or release, why, when. */
export interface CustomsEvent {
  readonly parcelId: string;
  readonly code: CustomsEventCode;
  readonly kind: CustomsEventKind;
  readonly reason: string;
  readonly atMs: number;
}

/**
 * Where customs events go besides customs' own log (`customs_events`, written in the same transaction
 * as the state change): after the commit they are forwarded — to the tracking intake in a running hub
 * (`journeyEvents`), nowhere with {@link logOnly}. Returns the events the receiver refused, with why.
 */
export interface CustomsEventSink {
  forward(
    store: Store,
    hubId: string,
    events: readonly CustomsEvent[],
    nowMs: number,
  ): Promise<{ readonly parcelId: string; readonly code: CustomsEventCode; readonly why: string }[]>;
}

/** Customs events kept in customs' log only. */
export const logOnly: CustomsEventSink = { forward: async () => [] };

/** What one pass over the in folder did. */
export interface IntakeResult {
  readonly processed: number;
  readonly duplicates: number;
  readonly errors: readonly { readonly file: string; readonly why: string }[];
  /** Declarations whose status changed, with the new status. */
  readonly changes: readonly { readonly parcelId: string; readonly status: DeclarationStatus }[];
  /** Events the tracking intake refused (a parcel that already left, …), with why. */
  readonly eventsRefused: readonly {
    readonly parcelId: string;
    readonly code: CustomsEventCode;
    readonly why: string;
  }[];
}

/** The outcome name stored per document (order, payment, waybill, list). */
function docStatus(e: ReceiptEntry): string {
  return `${e.outcome} (${e.returnStatus})`;
}

/** Applies one parsed receipt inside a transaction; returns the status changes. */
async function applyReceipt(
  tx: Repositories,
  hubId: string,
  receipt: Extract<ParsedReceipt, { ok: true }>,
  events: CustomsEvent[],
): Promise<{ parcelId: string; status: DeclarationStatus }[]> {
  const changes: { parcelId: string; status: DeclarationStatus }[] = [];
  if (receipt.type === 'CEB792Message') {
    for (const r of receipt.results) {
      await tx.customs.mapSummaryLines(
        hubId,
        r.lines.map((l) => ({
          invtNo: l.invtNo,
          gnum: l.gnum,
          sumNo: r.sumNo,
          declSeqNo: r.declSeqNo,
          ...(r.entryId ? { entryId: r.entryId } : {}),
          ...(l.gseqno !== undefined ? { gseqno: l.gseqno } : {}),
        })),
      );
      const summaries = await tx.customs.listSummaries(hubId);
      for (const s of summaries.filter((x) => x.sumNo === r.sumNo))
        await tx.customs.updateSummary(hubId, s.copNo, { status: `result ${r.decState}`.trim() });
    }
    return changes;
  }
  for (const e of receipt.entries) {
    if (e.kind === 'arrival' || e.kind === 'departure' || e.kind === 'master-list') {
      const dep = await tx.customs.findDepartureByCopNo(hubId, e.keys.copNo!);
      if (dep) {
        const patch =
          e.kind === 'arrival'
            ? { arrival: docStatus(e) }
            : e.kind === 'departure'
              ? { departure: docStatus(e) }
              : { master: docStatus(e) };
        await tx.customs.setDepartureStatus(hubId, dep.departureId, patch);
      }
      continue;
    }
    if (e.kind === 'summary') {
      const s = await tx.customs.getSummary(hubId, e.keys.copNo!);
      if (s)
        await tx.customs.updateSummary(hubId, s.copNo, {
          status: docStatus(e),
          ...(e.keys.sumNo ? { sumNo: e.keys.sumNo } : {}),
        });
      continue;
    }
    const found =
      e.kind === 'order' || e.kind === 'payment'
        ? (await tx.customs.findDeclarations(hubId, 'order_no', [e.keys.orderNo!])).filter(
            (d) => d.ebcCode === e.keys.ebcCode,
          )
        : e.kind === 'waybill'
          ? (await tx.customs.findDeclarations(hubId, 'logistics_no', [e.keys.logisticsNo!])).filter(
              (d) => d.documents.waybill.logisticsCode === e.keys.logisticsCode,
            )
          : await tx.customs.findDeclarations(hubId, 'cop_no', [e.keys.copNo!]);
    for (const d of found) {
      const t = transitionOf(d.status, e);
      const released = t?.status === 'released' || t?.status === 'cleared';
      await tx.customs.updateDeclaration(hubId, d.parcelId, {
        documentStatus: { [e.kind === 'cancel' ? 'list' : e.kind]: docStatus(e) },
        ...(e.kind === 'list' && e.keys.invtNo ? { invtNo: e.keys.invtNo } : {}),
        ...(e.kind === 'list' && e.keys.preNo ? { preNo: e.keys.preNo } : {}),
        ...(t ? { status: t.status } : {}),
        ...(t?.reason ? { reason: t.reason } : {}),
        ...(released && d.releasedAtMs === undefined ? { releasedAtMs: e.atMs } : {}),
      });
      if (e.kind === 'list')
        await tx.customs.updateLines(hubId, d.parcelId, {
          ...(e.keys.invtNo ? { invtNo: e.keys.invtNo } : {}),
          ...(released && d.releasedAtMs === undefined ? { releasedAtMs: e.atMs } : {}),
          ...(t?.status === 'rejected' || t?.status === 'cancelled' ? { releasedAtMs: null } : {}),
        });
      if (!t) continue;
      changes.push({ parcelId: d.parcelId, status: t.status });
      if (t.event) {
        const ev = {
          parcelId: d.parcelId,
          code: t.event.code,
          kind: t.event.kind,
          reason: t.event.reason,
          atMs: e.atMs,
        };
        await tx.customs.recordEvents(hubId, [ev]);
        events.push(ev);
      }
      if (t.holdParcel) await tx.customs.holdParcels([d.parcelId]);
    }
  }
  return changes;
}

/**
 * Takes in the receipts waiting in the in folder, oldest name first: each is parsed and applied in one
 * transaction together with its record (keyed by its SHA-256, so a file is never applied twice — a copy
 * of one already taken in is moved aside as a duplicate), then moved to `processed`. A file that cannot
 * be read as a receipt goes to `error` with a `.reason.txt` beside it, and is recorded too.
 */
export async function takeInReceipts(
  store: Store,
  hubId: string,
  folders: ExchangeFolders,
  nowMs: () => number,
  sink: CustomsEventSink = logOnly,
): Promise<IntakeResult> {
  let processed = 0;
  let duplicates = 0;
  const errors: { file: string; why: string }[] = [];
  const changes: { parcelId: string; status: DeclarationStatus }[] = [];
  const eventsRefused: IntakeResult['eventsRefused'][number][] = [];
  for (const name of await readyFiles(folders.in)) {
    const path = join(folders.in, name);
    let content: string;
    try {
      content = await readFile(path, 'utf8');
    } catch {
      continue; // taken by another reader meanwhile
    }
    const sha256 = createHash('sha256').update(content).digest('hex');
    if (await store.customs.hasReceipt(hubId, sha256)) {
      duplicates++;
      await moveInto(path, folders.processed, `duplicate-${name}`);
      continue;
    }
    const parsed = parseReceipt(content);
    const base = { id: randomUUID(), fileName: name, sha256, receivedAtMs: nowMs() };
    if (!parsed.ok) {
      errors.push({ file: name, why: parsed.why });
      await store.customs.addReceipt(hubId, { ...base, status: 'error', error: parsed.why });
      const moved = await moveInto(path, folders.error, name);
      await writeAtomic(folders.error, `${moved.split('/').pop()}.reason.txt`, `${parsed.why}\n`);
      continue;
    }
    const events: CustomsEvent[] = [];
    const applied = await store.transaction(async (tx) => {
      const inserted = await tx.customs.addReceipt(hubId, {
        ...base,
        msgType: parsed.type,
        status: 'processed',
        body: 'entries' in parsed ? parsed.entries : parsed.results,
      });
      if (!inserted) return undefined;
      return applyReceipt(tx, hubId, parsed, events);
    });
    if (events.length > 0) eventsRefused.push(...(await sink.forward(store, hubId, events, nowMs())));
    if (applied === undefined) duplicates++;
    else {
      processed++;
      changes.push(...applied);
    }
    await moveInto(path, folders.processed, name);
  }
  return { processed, duplicates, errors, changes, eventsRefused };
}
