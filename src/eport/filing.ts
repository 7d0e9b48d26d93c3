import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  arrivalMessages,
  buildDeclaration,
  type CebMessage,
  type CustomsCodeLists,
  type CustomsParcel,
  containerNumberOf,
  conveyanceOf,
  type DepartureManifest,
  departureMessages,
  deriveSellerProfile,
  describeMismatch,
  type HubCustomsProfile,
  listMessages,
  type MessageContext,
  masterListMessages,
  matchDeclaration,
  orderMessages,
  type ParcelDeclaration,
  paymentMessages,
  planSummary,
  type SellerCustomsProfile,
  type SummaryPeriodOptions,
  type SummaryPlan,
  sampleHubProfile,
  summaryMessages,
  summaryPeriod,
  waybillMessages,
  wrapInEnvelope,
} from '../customs/index.ts';
import { digitsOf } from '../customs/xml.ts';
import { LandbridgeError, type Network } from '../domain/index.ts';
import type { PlanDocument } from '../plan/index.ts';
import type { CustomsMessageRecord, DeclarationRecord, ListLineRecord, Store } from '../store/index.ts';
import { type ExchangeFolders, moveInto, readyFiles, rm, writeAtomic } from './folders.ts';
import { type CustomsEvent, type CustomsEventSink, logOnly } from './intake.ts';
import type { MessageSigner } from './signer.ts';
import { validateXml } from './xsd.ts';

/** What filing needs besides the store: the hub, its network, the code lists, the signer, the folders, the clock. */
export interface FilingContext {
  readonly store: Store;
  readonly hubId: string;
  readonly network: Network;
  readonly codes: CustomsCodeLists;
  readonly signer: MessageSigner;
  readonly folders: ExchangeFolders;
  readonly nowMs: number;
  /** Validate every message against the XSD before it is written (default true). */
  readonly validate?: boolean;
  /** Where hold events go (default: the customs tables; see intake.ts). */
  readonly events?: CustomsEventSink;
}

/** The hub's customs profile: the operator's, or the sample one (marked `derived`). */
export async function hubProfileOf(store: Store, hubId: string): Promise<HubCustomsProfile> {
  return (await store.customs.getHubProfile(hubId)) ?? sampleHubProfile(hubId);
}

/** A departure of a stored plan and the parcels that leave the hub on it. */
export interface PlannedDepartureParcels {
  readonly planId: string;
  readonly doc: PlanDocument;
  readonly departure: PlanDocument['departures'][number];
  readonly parcels: readonly {
    readonly id: string;
    readonly containerId?: string;
    readonly gateway: string;
    readonly deliveryDate: string;
  }[];
}

/**
 * The departure in a plan (the given plan, else the newest finished plan that has it) with the parcels
 * whose first ride it is: those the hub hands to it and declares for it.
 *
 * @throws LandbridgeError `not-found` naming the plan or departure.
 */
export async function plannedDeparture(
  store: Store,
  departureId: string,
  planId?: string,
): Promise<PlannedDepartureParcels> {
  const jobs = planId ? [await store.plans.get(planId)] : await store.plans.list();
  for (const job of jobs) {
    if (!job || job.status !== 'done' || !job.result) continue;
    const doc = job.result as PlanDocument;
    const departure = doc.departures.find((d) => d.id === departureId);
    if (!departure) continue;
    const parcels = doc.parcels
      .filter((p) => p.rides[0]?.departureId === departureId)
      .map((p) => ({
        id: p.id,
        ...(p.rides[0]!.containerId ? { containerId: p.rides[0]!.containerId } : {}),
        gateway: p.gateway,
        deliveryDate: p.deliveryDate,
      }));
    return { planId: job.id, doc, departure, parcels };
  }
  if (planId && !jobs[0])
    throw new LandbridgeError('not-found', `no plan ${planId}`, [
      { where: { field: 'planId' }, why: 'unknown plan' },
    ]);
  throw new LandbridgeError(
    'not-found',
    `departure ${departureId} is in no finished plan${planId ? ` ${planId}` : ''}`,
    [{ where: { field: 'departureId' }, why: 'not a departure of a finished plan' }],
  );
}

/** The hub's copNo of a departure's transport messages. */
export function departureCopNo(departureId: string): string {
  return `LBD${digitsOf(`departure:${departureId}`, 14)}`;
}

/** What a filing did. */
export interface FilingResult {
  readonly departureId: string;
  readonly planId: string;
  readonly parcels: number;
  readonly sent: number;
  readonly held: readonly { readonly parcelId: string; readonly reasons: readonly string[] }[];
  readonly skipped: number;
  readonly messages: readonly {
    readonly id: string;
    readonly type: string;
    readonly fileName: string;
    readonly parcels: number;
  }[];
}

/** Parcels of the departure for customs: hub parcels, sellers' profiles (derived where none), references. */
async function declarationsFor(
  f: FilingContext,
  planned: PlannedDepartureParcels,
  hub: HubCustomsProfile,
  parcelIds: readonly string[],
): Promise<{
  decls: ParcelDeclaration[];
  sellers: Map<string, SellerCustomsProfile>;
  conveyance: NonNullable<ReturnType<typeof conveyanceOf>>;
}> {
  const { store } = f;
  const saved = await store.customs.getDeparture(f.hubId, planned.departure.id);
  const conveyance = conveyanceOf(planned.departure, f.network, hub, saved?.conveyance ?? {});
  if (!conveyance)
    throw new LandbridgeError(
      'invalid-input',
      `service ${planned.departure.serviceId} of departure ${planned.departure.id} is not in the network`,
    );
  const parcels = await store.customs.getParcels(parcelIds);
  const sellerIds = [...new Set(parcels.map((p) => p.sellerId))];
  const profiles = await store.customs.getSellerProfiles(f.hubId, sellerIds);
  const sellerRecords = await store.sellers.getMany(sellerIds);
  const refs = await store.customs.getReferences(f.hubId, parcelIds);
  const container = new Map(planned.parcels.map((p) => [p.id, p.containerId]));
  const sellers = new Map<string, SellerCustomsProfile>();
  const decls = parcels.map((parcel) => {
    let seller = profiles.get(parcel.sellerId) ?? sellers.get(parcel.sellerId);
    if (!seller) {
      const record = sellerRecords.get(parcel.sellerId) ?? {
        id: parcel.sellerId,
        name: parcel.sellerId,
        country: 'CN',
      };
      seller = deriveSellerProfile(record, parcel.externalOrderId);
    }
    sellers.set(parcel.sellerId, seller);
    const containerId = container.get(parcel.id);
    const customsParcel: CustomsParcel = parcel;
    return buildDeclaration({
      parcel: customsParcel,
      seller,
      hub,
      conveyance,
      codes: f.codes,
      ...(refs.get(parcel.id) ? { references: refs.get(parcel.id)! } : {}),
      ...(containerId ? { containerId: containerNumberOf(containerId) } : {}),
    });
  });
  return { decls, sellers, conveyance };
}

/** Signs, validates, wraps and stages messages; returns their records. Nothing is in `out` yet. */
async function stage(
  f: FilingContext,
  hub: HubCustomsProfile,
  messages: readonly CebMessage[],
  departureId?: string,
) {
  const signed = messages.map((m) => ({ m, xml: f.signer.sign(m.xml) }));
  if (f.validate ?? true) {
    const verdicts = await validateXml(signed.map((s) => ({ name: `${s.m.type} ${s.m.guid}`, xml: s.xml })));
    const bad = verdicts.filter((v) => !v.valid);
    if (bad.length > 0)
      throw new LandbridgeError(
        'invalid-input',
        `${bad.length} message${bad.length === 1 ? '' : 's'} would not validate against the 202205 XSD; nothing was written`,
        bad.slice(0, 20).map((v) => ({ where: { field: v.name }, why: v.errors.slice(0, 3).join('; ') })),
      );
  }
  const records: Omit<CustomsMessageRecord, 'createdAtMs'>[] = [];
  for (const { m, xml } of signed) {
    const id = `${m.type}-${m.guid}`;
    const fileName = `${m.type}_${m.guid}.xml`;
    await writeAtomic(f.folders.staging, fileName, wrapInEnvelope(hub, { type: m.type, xml }, id, f.nowMs));
    records.push({
      id,
      type: m.type,
      guid: m.guid,
      ...(departureId ? { departureId } : {}),
      fileName,
      xml,
      parcelCount: m.parcelIds.length,
    });
  }
  return records;
}

/**
 * Moves staged messages whose records the store holds into `out`, and drops the others (a filing that
 * failed before its commit). `only` names a filing's own files; without it (recovery after a crash),
 * only files staged more than `staleMs` ago are touched, so a filing in progress in another process
 * keeps its files. A file another process moved meanwhile is skipped.
 */
export async function releaseStaged(
  f: Pick<FilingContext, 'store' | 'hubId' | 'folders'>,
  only?: readonly string[],
  staleMs = 10 * 60_000,
): Promise<number> {
  let moved = 0;
  const names = only ?? (await readyFiles(f.folders.staging));
  for (const name of names) {
    const path = join(f.folders.staging, name);
    if (!only) {
      const info = await stat(path).catch(() => undefined);
      if (!info || Date.now() - info.mtimeMs < staleMs) continue;
    }
    const id = name.replace(/\.xml$/, '').replace('_', '-');
    const known = await f.store.customs.getMessage(f.hubId, id);
    try {
      if (known) {
        await moveInto(path, f.folders.out, name);
        moved++;
      } else await rm(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return moved;
}

/**
 * Files a planned departure's parcels with customs: builds each parcel's order, payment receipt,
 * waybill and list; matches them; holds the parcels that do not match (status `held`, the reasons, an
 * event) and sends nothing for them; for the others writes CEB303, CEB403, CEB505, CEB603 (at most 100
 * documents a message), the arrival report CEB507 and the master list CEB607, each signed, validated
 * against the XSD and wrapped in a DxpMsg, into the out folder. All or nothing: the store and the out
 * folder change only when every message is valid.
 *
 * Parcels already declared are skipped unless their declaration was held or rejected (a resend, as a
 * change, `appType` 2) or `resend` is set.
 */
export async function fileDeparture(
  f: FilingContext,
  departureId: string,
  options: { readonly planId?: string; readonly resend?: boolean } = {},
): Promise<FilingResult> {
  const planned = await plannedDeparture(f.store, departureId, options.planId);
  const hub = await hubProfileOf(f.store, f.hubId);
  const existing = new Map(
    (await f.store.customs.listDeclarations(f.hubId, { parcelIds: planned.parcels.map((p) => p.id) })).map(
      (d) => [d.parcelId, d],
    ),
  );
  const todo = planned.parcels.filter((p) => {
    const e = existing.get(p.id);
    return !e || options.resend || e.status === 'held' || e.status === 'rejected';
  });
  const { decls, conveyance } = await declarationsFor(
    f,
    planned,
    hub,
    todo.map((p) => p.id),
  );
  const revisionOf = (id: string) => (existing.get(id)?.revision ?? -1) + 1;
  const ok: ParcelDeclaration[] = [];
  const held: { parcelId: string; reasons: string[] }[] = [];
  const results = new Map(decls.map((d) => [d.parcelId, matchDeclaration(d)]));
  for (const d of decls) {
    const r = results.get(d.parcelId)!;
    if (r.ok) ok.push(d);
    else held.push({ parcelId: d.parcelId, reasons: r.mismatches.map(describeMismatch) });
  }
  const revision = Math.max(0, ...ok.map((d) => revisionOf(d.parcelId)));
  const ctx: MessageContext = { hub, nowMs: f.nowMs, appType: revision > 0 ? '2' : '1', revision };
  const copNo = departureCopNo(departureId);
  const containerNo = new Map(
    planned.parcels.map((p) => [p.id, p.containerId ? containerNumberOf(p.containerId) : undefined]),
  );
  const manifest: DepartureManifest = {
    departureId,
    copNo,
    trafMode: conveyance.trafMode,
    trafName: conveyance.trafName,
    voyageNo: conveyance.voyageNo,
    billNo: conveyance.billNo,
    domesticTrafNo: conveyance.domesticTrafNo,
    departAtMs: conveyance.departAtMs,
    grossWeightG: ok.reduce((a, d) => a + d.list.grossWeightG, 0),
    parcels: ok.map((d) => {
      const c = containerNo.get(d.parcelId);
      return { parcelId: d.parcelId, logisticsNo: d.list.logisticsNo, ...(c ? { containerNo: c } : {}) };
    }),
  };
  const messages: CebMessage[] =
    ok.length === 0
      ? []
      : [
          ...orderMessages(ok, ctx),
          ...paymentMessages(ok, ctx),
          ...waybillMessages(ok, ctx),
          ...listMessages(ok, ctx),
          ...arrivalMessages(manifest, ctx),
          ...masterListMessages(manifest, ctx),
        ];
  const records = await stage(f, hub, messages, departureId);
  const byParcel = new Map<string, { type: string; id: string }[]>();
  for (const r of records) {
    const m = messages.find((x) => `${x.type}-${x.guid}` === r.id)!;
    for (const pid of m.parcelIds) {
      const list = byParcel.get(pid) ?? [];
      list.push({ type: r.type, id: r.id });
      byParcel.set(pid, list);
    }
  }
  const service = f.network.services.find((s) => s.id === planned.departure.serviceId);
  const declarationRows: Omit<DeclarationRecord, 'updatedAtMs'>[] = decls.map((d) => {
    const r = results.get(d.parcelId)!;
    return {
      parcelId: d.parcelId,
      sellerId: d.sellerId,
      departureId,
      planId: planned.planId,
      status: r.ok ? 'sent' : 'held',
      tradeMode: d.list.tradeMode,
      copNo: d.list.copNo,
      orderNo: d.order.orderNo,
      ebcCode: d.list.ebcCode,
      logisticsNo: d.list.logisticsNo,
      documentStatus: {},
      ...(r.ok ? {} : { reason: `matching failed: ${r.mismatches.map(describeMismatch).join('; ')}` }),
      mismatches: r.mismatches,
      documents: d,
      messages: byParcel.get(d.parcelId) ?? [],
      revision: revisionOf(d.parcelId),
    };
  });
  const lines: ListLineRecord[] = ok.flatMap((d) =>
    d.list.lines.map((l) => ({
      parcelId: d.parcelId,
      copNo: d.list.copNo,
      invtNo: '',
      gnum: l.gnum,
      ebcCode: d.list.ebcCode,
      ebcName: d.list.ebcName,
      ownerCode: d.list.ownerCode,
      statisticsFlag: d.list.statisticsFlag,
      gcode: l.gcode,
      unit: l.unit,
      currency: l.currency,
      qty: l.qty,
      totalMinor: l.totalMinor,
      arrivalCountry: conveyance.arrivalCountry,
      destination: l.destinationAlpha2,
      trafMode: d.list.trafMode,
      portCode: d.list.portCode,
      corridor: service?.corridor ?? '',
      releasedAtMs: 0,
    })),
  );
  try {
    const holdEvents: CustomsEvent[] = held.map((h) => ({
      parcelId: h.parcelId,
      code: 'EXPORT_CUSTOMS_HOLD',
      kind: 'other',
      reason: `matching failed: ${h.reasons.join('; ')}`,
      atMs: f.nowMs,
    }));
    await f.store.transaction(async (tx) => {
      await tx.customs.recordFiling(f.hubId, {
        departure: {
          departureId,
          planId: planned.planId,
          conveyance: (await tx.customs.getDeparture(f.hubId, departureId))?.conveyance ?? {},
          copNo,
        },
        declarations: declarationRows,
        lines,
        messages: records,
      });
      if (holdEvents.length > 0) {
        await tx.customs.recordEvents(f.hubId, holdEvents);
        await tx.customs.holdParcels(holdEvents.map((h) => h.parcelId));
      }
    });
  } catch (e) {
    for (const r of records) await rm(join(f.folders.staging, r.fileName), { force: true });
    throw e;
  }
  await releaseStaged(
    f,
    records.map((r) => r.fileName),
  );
  return {
    departureId,
    planId: planned.planId,
    parcels: planned.parcels.length,
    sent: ok.length,
    held,
    skipped: planned.parcels.length - todo.length,
    messages: records.map((r) => ({ id: r.id, type: r.type, fileName: r.fileName, parcels: r.parcelCount })),
  };
}

/**
 * The departure report (CEB509) when the conveyance leaves: the departure's parcels customs released
 * (800, or cleared 899) go on it; the others (rejected, held, still under inspection) stay at the hub
 * and are listed.
 *
 * @throws LandbridgeError `conflict` when the departure was never filed or no parcel of it is released.
 */
export async function reportDeparture(
  f: FilingContext,
  departureId: string,
): Promise<{
  readonly onBoard: number;
  readonly left: readonly { parcelId: string; status: string }[];
  readonly messages: FilingResult['messages'];
}> {
  const dep = await f.store.customs.getDeparture(f.hubId, departureId);
  if (!dep?.copNo)
    throw new LandbridgeError('conflict', `departure ${departureId} has not been filed with customs`);
  const hub = await hubProfileOf(f.store, f.hubId);
  const planned = await plannedDeparture(f.store, departureId, dep.planId);
  const conveyance = conveyanceOf(planned.departure, f.network, hub, dep.conveyance)!;
  const decls = await f.store.customs.listDeclarations(f.hubId, { departureId });
  const released = decls.filter((d) => d.status === 'released' || d.status === 'cleared');
  const left = decls
    .filter((d) => !(d.status === 'released' || d.status === 'cleared'))
    .map((d) => ({ parcelId: d.parcelId, status: d.status }));
  if (released.length === 0)
    throw new LandbridgeError('conflict', `no parcel of departure ${departureId} is released by customs yet`);
  const containerNo = new Map(
    planned.parcels.map((p) => [p.id, p.containerId ? containerNumberOf(p.containerId) : undefined]),
  );
  const manifest: DepartureManifest = {
    departureId,
    copNo: dep.copNo,
    trafMode: conveyance.trafMode,
    trafName: conveyance.trafName,
    voyageNo: conveyance.voyageNo,
    billNo: conveyance.billNo,
    domesticTrafNo: conveyance.domesticTrafNo,
    departAtMs: conveyance.departAtMs,
    grossWeightG: released.reduce((a, d) => a + d.documents.list.grossWeightG, 0),
    parcels: released.map((d) => {
      const c = containerNo.get(d.parcelId);
      return {
        parcelId: d.parcelId,
        logisticsNo: d.logisticsNo,
        ...(c ? { containerNo: c } : {}),
        ...(d.invtNo ? { invtNo: d.invtNo } : {}),
      };
    }),
  };
  const messages = departureMessages(manifest, { hub, nowMs: f.nowMs });
  const records = await stage(f, hub, messages, departureId);
  await f.store.customs.addMessages(f.hubId, records);
  await f.store.customs.setDepartureStatus(f.hubId, departureId, { departure: 'sent' });
  await releaseStaged(
    f,
    records.map((r) => r.fileName),
  );
  return {
    onBoard: released.length,
    left,
    messages: records.map((r) => ({ id: r.id, type: r.type, fileName: r.fileName, parcels: r.parcelCount })),
  };
}

/** Writes already signed messages (summary requests, cancellations) the same way: validated, staged, recorded, released. */
export async function sendMessages(
  f: FilingContext,
  messages: readonly CebMessage[],
): Promise<Omit<CustomsMessageRecord, 'createdAtMs'>[]> {
  const hub = await hubProfileOf(f.store, f.hubId);
  const records = await stage(f, hub, messages);
  await f.store.customs.addMessages(f.hubId, records);
  await releaseStaged(
    f,
    records.map((r) => r.fileName),
  );
  return records;
}

/**
 * The monthly summary declaration requests: the released statisticsFlag B lines of the period grouped
 * as customs will declare them, and one CEB701 per exporter, sent and recorded. With `dryRun` nothing
 * is sent: the plan only.
 */
export async function fileMonthlySummary(
  f: FilingContext,
  options: SummaryPeriodOptions & { readonly dryRun?: boolean },
): Promise<SummaryPlan & { readonly messages: FilingResult['messages'] }> {
  const period = summaryPeriod(options);
  const lines = await f.store.customs.releasedLines(f.hubId, { fromMs: period.startMs, toMs: period.endMs });
  const plan = planSummary(lines, options, (ebc, month) => `LBS${month.replace('-', '')}${ebc}`.slice(0, 30));
  if (options.dryRun || plan.requests.length === 0) return { ...plan, messages: [] };
  const hub = await hubProfileOf(f.store, f.hubId);
  const messages = summaryMessages(plan.requests, { hub, nowMs: f.nowMs });
  const records = await sendMessages(f, messages);
  for (const r of plan.requests)
    await f.store.customs.saveSummary(f.hubId, {
      copNo: r.copNo,
      month: period.month,
      ebcCode: r.ebcCode,
      status: 'sent',
      plan: plan.declarations.filter((d) => d.ebcCode === r.ebcCode),
      messageId: records[0]!.id,
    });
  return {
    ...plan,
    messages: records.map((r) => ({ id: r.id, type: r.type, fileName: r.fileName, parcels: r.parcelCount })),
  };
}
