import { z } from 'zod';
import { PARCEL_STATUSES, type ParcelStatus } from '../domain/index.ts';
import { EVENT_CODES, type EventCode } from './codes.ts';
import type { EtaWindow } from './eta.ts';
import type { EventPlace } from './event.ts';
import { isoWithOffset } from './event.ts';

/** Languages of the tracking labels: the console's two, and those along the rail corridor. */
export const TRACKING_LANGUAGES = ['en', 'zh-CN', 'ru', 'pl', 'de'] as const;
export type TrackingLanguage = (typeof TRACKING_LANGUAGES)[number];

const Labels = z.object(
  Object.fromEntries(TRACKING_LANGUAGES.map((l) => [l, z.string().min(1)])) as Record<
    TrackingLanguage,
    z.ZodString
  >,
);

/** The labels file `data/tracking/labels.json`: every code, status and term in every language. */
export const TrackingLabelsSchema = z.object({
  about: z.string(),
  languages: z.array(z.enum(TRACKING_LANGUAGES)),
  codes: z.object(
    Object.fromEntries(EVENT_CODES.map((c) => [c, Labels])) as Record<EventCode, typeof Labels>,
  ),
  statuses: z.object(
    Object.fromEntries(PARCEL_STATUSES.map((s) => [s, Labels])) as Record<ParcelStatus, typeof Labels>,
  ),
  terms: z.record(z.string(), Labels),
});
export type TrackingLabels = z.infer<typeof TrackingLabelsSchema>;

/** City-level names of network nodes (`data/tracking/places.yaml`). */
export const PlaceNamesSchema = z.record(
  z.string(),
  z.object({ city: z.string().min(1), cityZh: z.string().optional() }),
);
export type PlaceNames = z.infer<typeof PlaceNamesSchema>;

/**
 * The language for an `Accept-Language` header or a `lang` parameter: the first supported one named
 * (`zh`, `zh-Hans`, `zh-CN` → zh-CN; `de-AT` → de), else English.
 */
export function pickLanguage(header: string | undefined): TrackingLanguage {
  for (const part of (header ?? '').split(',')) {
    const tag = part.split(';')[0]!.trim().toLowerCase();
    if (tag.startsWith('zh')) return 'zh-CN';
    const base = tag.split('-')[0];
    const found = TRACKING_LANGUAGES.find((l) => l === base);
    if (found) return found;
  }
  return 'en';
}

/** A milestone as anyone may see it: what, when (local time with offset), where at city level. */
export interface PublicMilestone {
  readonly code: EventCode;
  readonly label: string;
  /** ISO 8601 with the offset where it happened. */
  readonly at: string;
  readonly place: { readonly city?: string; readonly country?: string } | null;
}

/** What the public tracking page and `GET /v1/track/{number}` show: nothing about the consignee. */
export interface PublicTracking {
  readonly number: string;
  readonly kind: 'hub' | 's10';
  readonly language: TrackingLanguage;
  readonly status: ParcelStatus;
  readonly statusLabel: string;
  readonly destinationCountry: string;
  /** Newest first. */
  readonly milestones: readonly PublicMilestone[];
  /** The delivery window (P10–P90) and its likeliest instant, UTC; null once delivered or without a plan. */
  readonly eta: {
    readonly label: string;
    readonly earliest: string;
    readonly likely: string;
    readonly latest: string;
    readonly basis: EtaWindow['basis'];
  } | null;
  readonly lastMile: { readonly carrier: string | null; readonly number: string | null } | null;
}

/** What the public view is built from. */
export interface PublicTrackingInput {
  readonly number: string;
  readonly kind: 'hub' | 's10';
  readonly status: ParcelStatus;
  readonly destinationCountry: string;
  readonly milestones: readonly {
    readonly code: EventCode;
    readonly eventTimeMs: number;
    readonly offsetMinutes: number;
    readonly place: EventPlace;
  }[];
  readonly eta?: EtaWindow | null;
  readonly carrier?: string | null;
  readonly lastMileNumber?: string | null;
}

/**
 * The public view of a parcel: milestone labels in the language asked for, places reduced to city and
 * country, the ETA window. By construction it carries none of the consignee's name, address, postcode
 * or phone (GDPR Art. 25(2): nothing personal to anyone holding only a number).
 */
export function publicTracking(
  input: PublicTrackingInput,
  labels: TrackingLabels,
  places: PlaceNames,
  language: TrackingLanguage,
): PublicTracking {
  const place = (p: EventPlace): PublicMilestone['place'] => {
    const named = p.nodeId !== undefined ? places[p.nodeId] : undefined;
    const city = named ? (language === 'zh-CN' && named.cityZh ? named.cityZh : named.city) : p.city;
    if (city === undefined && p.country === undefined) return null;
    return {
      ...(city !== undefined ? { city } : {}),
      ...(p.country !== undefined ? { country: p.country } : {}),
    };
  };
  const milestones = [...input.milestones]
    .sort((a, b) => b.eventTimeMs - a.eventTimeMs)
    .map((m) => ({
      code: m.code,
      label: labels.codes[m.code][language],
      at: isoWithOffset(m.eventTimeMs, m.offsetMinutes),
      place: place(m.place),
    }));
  const eta = input.eta;
  return {
    number: input.number,
    kind: input.kind,
    language,
    status: input.status,
    statusLabel: labels.statuses[input.status][language],
    destinationCountry: input.destinationCountry,
    milestones,
    eta:
      eta && input.status !== 'delivered'
        ? {
            label: labels.terms.eta?.[language] ?? 'ETA',
            earliest: new Date(eta.p10Ms).toISOString(),
            likely: new Date(eta.p50Ms).toISOString(),
            latest: new Date(eta.p90Ms).toISOString(),
            basis: eta.basis,
          }
        : null,
    lastMile:
      input.carrier || input.lastMileNumber
        ? { carrier: input.carrier ?? null, number: input.lastMileNumber ?? null }
        : null,
  };
}
