import {
  buildDeclaration,
  type CustomsCodeLists,
  cancelMessages,
  containerNumberOf,
  conveyanceOf,
  type DestinationData,
  deriveSellerProfile,
  destinationData,
  type ExportStatistics,
  exportStatistics,
  hubWaybillNo,
  listCopNo,
  type MatchResult,
  matchDeclaration,
  type RailConsignmentNote,
  railConsignmentNote,
  type SellerCustomsProfile,
} from '../customs/index.ts';
import type { Currency, CurrencyConverter, Network } from '../domain/index.ts';
import { LandbridgeError } from '../domain/index.ts';
import type { Store } from '../store/index.ts';
import {
  type FilingContext,
  type FilingResult,
  fileDeparture,
  fileMonthlySummary,
  hubProfileOf,
  plannedDeparture,
  reportDeparture,
  sendMessages,
} from './filing.ts';
import type { ExchangeFolders } from './folders.ts';
import type { CustomsEventSink } from './intake.ts';
import type { MessageSigner } from './signer.ts';

/** Everything customs work needs in a running hub: one object the API and the CLI share. */
export interface CustomsServiceOptions {
  readonly store: Store;
  readonly network: () => Network;
  readonly codes: CustomsCodeLists;
  readonly signer: MessageSigner;
  readonly folders: ExchangeFolders;
  readonly fx: CurrencyConverter;
  /** EU member states (from the duty rules), for ICS2 and H7. */
  readonly euMembers: ReadonlySet<string>;
  /** Vague goods descriptions (data/customs/vague-descriptions.yaml). */
  readonly vagueTerms: readonly string[];
  readonly nowMs: () => number;
  /** Where customs events go besides customs' log (the tracking intake in a running hub). */
  readonly events?: CustomsEventSink;
}

/** The customs operations of a hub (the hub is the network's `hub` node). */
export class CustomsService {
  constructor(readonly options: CustomsServiceOptions) {}

  get hubId(): string {
    return this.options.network().hub;
  }

  get store(): Store {
    return this.options.store;
  }

  filing(): FilingContext {
    const o = this.options;
    return {
      store: o.store,
      hubId: this.hubId,
      network: o.network(),
      codes: o.codes,
      signer: o.signer,
      folders: o.folders,
      nowMs: o.nowMs(),
    };
  }

  fileDeparture(
    departureId: string,
    options: { planId?: string; resend?: boolean } = {},
  ): Promise<FilingResult> {
    return fileDeparture(this.filing(), departureId, options);
  }

  reportDeparture(departureId: string) {
    return reportDeparture(this.filing(), departureId);
  }

  monthlySummary(options: Parameters<typeof fileMonthlySummary>[1]) {
    return fileMonthlySummary(this.filing(), options);
  }

  /**
   * The matching report of a departure before anything is sent: every parcel's verdict, with each
   * mismatch's field and both values.
   */
  async matching(departureId: string, planId?: string): Promise<{ planId: string; results: MatchResult[] }> {
    const { planned, decls } = await this.#declarations(departureId, planId);
    return { planId: planned.planId, results: decls.map(matchDeclaration) };
  }

  async #declarations(departureId: string, planId?: string) {
    const f = this.filing();
    const planned = await plannedDeparture(f.store, departureId, planId);
    const hub = await hubProfileOf(f.store, f.hubId);
    const saved = await f.store.customs.getDeparture(f.hubId, departureId);
    const conveyance = conveyanceOf(planned.departure, f.network, hub, saved?.conveyance ?? {});
    if (!conveyance)
      throw new LandbridgeError(
        'invalid-input',
        `service ${planned.departure.serviceId} is not in the network`,
      );
    const ids = planned.parcels.map((p) => p.id);
    const parcels = await f.store.customs.getParcels(ids);
    const profiles = await this.sellerProfiles(
      parcels.map((p) => ({ sellerId: p.sellerId, orderNo: p.externalOrderId })),
    );
    const refs = await f.store.customs.getReferences(f.hubId, ids);
    const byId = new Map(planned.parcels.map((p) => [p.id, p]));
    const decls = parcels.map((parcel) => {
      const c = byId.get(parcel.id)?.containerId;
      return buildDeclaration({
        parcel,
        seller: profiles.get(parcel.sellerId)!,
        hub,
        conveyance,
        codes: f.codes,
        ...(refs.get(parcel.id) ? { references: refs.get(parcel.id)! } : {}),
        ...(c ? { containerId: containerNumberOf(c) } : {}),
      });
    });
    return { planned, decls, parcels, profiles, conveyance, hub };
  }

  /** Sellers' customs profiles: imported ones, else derived from the seller record. */
  async sellerProfiles(
    parcels: readonly { sellerId: string; orderNo?: string }[],
  ): Promise<Map<string, SellerCustomsProfile>> {
    const ids = [...new Set(parcels.map((p) => p.sellerId))];
    const saved = await this.store.customs.getSellerProfiles(this.hubId, ids);
    const records = await this.store.sellers.getMany(ids);
    const out = new Map<string, SellerCustomsProfile>();
    for (const p of parcels) {
      if (out.has(p.sellerId)) continue;
      out.set(
        p.sellerId,
        saved.get(p.sellerId) ??
          deriveSellerProfile(
            records.get(p.sellerId) ?? { id: p.sellerId, name: p.sellerId, country: 'CN' },
            p.orderNo,
          ),
      );
    }
    return out;
  }

  /** The destination data of a departure's parcels (only `sellerId`'s, when given). */
  async destinationData(departureId: string, sellerId?: string): Promise<DestinationData[]> {
    const { planned, parcels, profiles, conveyance, hub } = await this.#declarations(departureId);
    const network = this.options.network();
    const byId = new Map(planned.parcels.map((p) => [p.id, p]));
    return parcels
      .filter((p) => sellerId === undefined || p.sellerId === sellerId)
      .map((parcel) => {
        const pp = byId.get(parcel.id)!;
        const gateway = network.nodes.find((n) => n.id === pp.gateway);
        return destinationData(
          {
            parcel,
            seller: profiles.get(parcel.sellerId)!,
            waybillNo: hubWaybillNo(hub, parcel.id),
            conveyance,
            ...(pp.containerId ? { containerId: pp.containerId } : {}),
            ...(gateway ? { gateway } : {}),
            importDate: pp.deliveryDate,
          },
          { euMembers: this.options.euMembers, fx: this.options.fx, vagueTerms: this.options.vagueTerms },
        );
      });
  }

  /** CIM/SMGS consignment-note data of each container of a rail departure. */
  async railNotes(departureId: string): Promise<RailConsignmentNote[]> {
    const { planned, parcels, conveyance, hub } = await this.#declarations(departureId);
    const network = this.options.network();
    const service = network.services.find((s) => s.id === planned.departure.serviceId)!;
    if (service.mode !== 'rail')
      throw new LandbridgeError(
        'invalid-input',
        `departure ${departureId} is not by rail (${service.mode}): no CIM/SMGS note`,
        [{ where: { field: 'departureId' }, why: 'CIM/SMGS notes are for rail departures' }],
      );
    const route = [service.legs[0]!.from, ...service.legs.map((l) => l.to)].flatMap((id) =>
      network.nodes.filter((n) => n.id === id),
    );
    const hubNode = network.nodes.find((n) => n.id === network.hub);
    const byId = new Map(parcels.map((p) => [p.id, p]));
    return planned.departure.containers.map((c) =>
      railConsignmentNote({
        containerId: c.id,
        containerType: c.type,
        conveyance,
        hubName: hub.logisticsName,
        hubAddress: hubNode ? `${hubNode.name}, ${hubNode.country}` : network.hub,
        route,
        parcels: planned.parcels
          .filter((p) => p.containerId === c.id && byId.has(p.id))
          .map((p) => ({ parcel: byId.get(p.id)!, listCopNo: listCopNo(p.id) })),
      }),
    );
  }

  /** Export statistics from released lists in [fromMs, toMs), converted to `currency` on the release day. */
  async statistics(
    window: { fromMs?: number; toMs?: number },
    currency: Currency,
  ): Promise<ExportStatistics> {
    const lines = await this.store.customs.releasedLines(this.hubId, window);
    const fx = this.options.fx;
    return exportStatistics(lines, currency, (minor, from, atMs) =>
      fx.convert(
        minor,
        from as Currency,
        currency,
        new Date(atMs + 8 * 3_600_000).toISOString().slice(0, 10),
      ),
    );
  }

  /**
   * Asks customs to cancel a parcel's list (CEB605) with the reason. Only a list customs numbered
   * (invtNo) can be cancelled.
   */
  async cancel(parcelId: string, reason: string) {
    const d = await this.store.customs.getDeclaration(this.hubId, parcelId);
    if (!d) throw new LandbridgeError('not-found', `parcel ${parcelId} has no customs declaration`);
    if (!d.invtNo)
      throw new LandbridgeError(
        'conflict',
        `the list of parcel ${parcelId} has no customs number yet: nothing to cancel`,
      );
    const f = this.filing();
    const hub = await hubProfileOf(f.store, f.hubId);
    const messages = cancelMessages(
      [
        {
          parcelId,
          copNo: d.copNo,
          invtNo: d.invtNo,
          reason,
          ebcCode: d.ebcCode,
          ebcName: d.documents.list.ebcName,
        },
      ],
      { hub, nowMs: f.nowMs },
    );
    const records = await sendMessages(f, messages);
    return {
      parcelId,
      message: { id: records[0]!.id, type: records[0]!.type, fileName: records[0]!.fileName },
    };
  }
}

/** The parcel's node of a stored message: the `Order`, `Receipts`, `Logistics` or `Inventory` naming it. */
export function parcelNodeOf(
  xml: string,
  element: string,
  keyElement: string,
  key: string,
): string | undefined {
  const open = `<ceb:${element}>`;
  const close = `</ceb:${element}>`;
  const needle = `<ceb:${keyElement}>${key}</ceb:${keyElement}>`;
  let at = xml.indexOf(open);
  while (at >= 0) {
    const end = xml.indexOf(close, at);
    if (end < 0) return undefined;
    const node = xml.slice(at, end + close.length);
    if (node.includes(needle))
      return node.replace(open, `<ceb:${element} xmlns:ceb="http://www.chinaport.gov.cn/ceb">`);
    at = xml.indexOf(open, end);
  }
  return undefined;
}
