import type { Network } from '../domain/network.ts';
import type { ExportConveyance } from './documents.ts';
import type { HubCustomsProfile } from './profiles.ts';
import { cstDate, digitsOf } from './xml.ts';

/** Letter values of ISO 6346 check digits: A = 10, skipping multiples of 11. */
const LETTER_VALUES: Record<string, number> = (() => {
  const out: Record<string, number> = {};
  let v = 10;
  for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
    if (v % 11 === 0) v++;
    out[ch] = v++;
  }
  return out;
})();

/** The ISO 6346 check digit of the first 10 characters of a container number (owner, category, serial). */
export function iso6346CheckDigit(first10: string): number {
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const ch = first10[i]!;
    const value = /\d/.test(ch) ? Number(ch) : (LETTER_VALUES[ch] ?? 0);
    sum += value * 2 ** i;
  }
  return (sum % 11) % 10;
}

/**
 * The ISO 6346 number of a plan's container (`departureId#n`): owner code `LBX`, category `U`, six
 * serial digits derived from the container id, and the check digit — a sample numbering until the
 * operator records the real box numbers.
 */
export function containerNumberOf(containerId: string): string {
  const first10 = `LBXU${digitsOf(`container:${containerId}`, 6)}`;
  return `${first10}${iso6346CheckDigit(first10)}`;
}

/** What the operator recorded of a departure's conveyance, over the derived sample values. */
export interface ConveyanceOverride {
  readonly trafName?: string;
  readonly voyageNo?: string;
  readonly billNo?: string;
  readonly domesticTrafNo?: string;
}

/** A departure as the plan document names it. */
export interface DepartureRef {
  readonly id: string;
  readonly serviceId: string;
  /** Local ISO 8601 time with offset, e.g. 2026-12-03T09:00:00+08:00. */
  readonly departAt: string;
}

/**
 * The conveyance of a departure for customs: transport mode from the service's mode, the service
 * name as the conveyance name, and voyage and master document numbers derived from the departure
 * (sample values, marked as such in the docs) unless the operator recorded the real ones.
 *
 * @returns undefined when the network has no such service.
 */
export function conveyanceOf(
  departure: DepartureRef,
  network: Network,
  hub: HubCustomsProfile,
  override: ConveyanceOverride = {},
): (ExportConveyance & { readonly domesticTrafNo: string }) | undefined {
  const service = network.services.find((s) => s.id === departure.serviceId);
  if (!service) return undefined;
  const departAtMs = Date.parse(departure.departAt);
  const lastNode = network.nodes.find((n) => n.id === service.legs[service.legs.length - 1]!.to);
  const day = cstDate(departAtMs);
  const voyage =
    service.mode === 'air'
      ? `LB${digitsOf(`flight:${service.id}`, 4)}/${day.slice(4)}`
      : `${service.mode === 'rail' ? 'X' : 'V'}${digitsOf(`voyage:${service.id}`, 4)}-${day}`;
  return {
    departureId: departure.id,
    serviceId: service.id,
    trafMode: hub.transportModes[service.mode],
    trafName: override.trafName ?? service.name.slice(0, 100),
    voyageNo: override.voyageNo ?? voyage,
    billNo: override.billNo ?? `${hub.waybillPrefix}M${day}${digitsOf(`bill:${departure.id}`, 8)}`,
    departAtMs,
    arrivalCountry: lastNode?.country ?? 'ZZ',
    pod: lastNode?.iata ?? lastNode?.locode?.slice(2) ?? (lastNode?.id ?? 'ZZZ').slice(0, 3).toUpperCase(),
    portCode: hub.exitPortCodes[service.id] ?? hub.customsCode,
    domesticTrafNo: override.domesticTrafNo ?? `渝A${digitsOf(`truck:${departure.id}`, 5)}`,
  };
}
