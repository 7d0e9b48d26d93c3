import { z } from 'zod';
import { COUNTRY_CODES, isBoundedInstant } from '../domain/index.ts';
import { CLASSIFIERS, type Classifier, EVENT_CODES, type EventCode } from './codes.ts';
import { EventInputSchema, KEBAB_ID, type ParsedEventInput, VISIBLE_ASCII } from './event.ts';

/** A string field of {@link EventInputSchema}: its length bounds, and whether it is trimmed first. */
interface StringRule {
  readonly min: number;
  readonly max: number;
  readonly trim: boolean;
}

/**
 * The optional plain string fields of {@link EventInputSchema}, with the schema's bounds (a test holds
 * them equal to the schema's own, read from it).
 */
export const EVENT_STRING_RULES = {
  parcelId: { min: 1, max: 100, trim: false },
  trackingNumber: { min: 1, max: 40, trim: false },
  containerId: { min: 1, max: 120, trim: false },
  departureId: { min: 1, max: 120, trim: false },
  place: { min: 1, max: 40, trim: false },
  city: { min: 1, max: 100, trim: true },
  carrier: { min: 1, max: 100, trim: true },
  lastMileNumber: { min: 1, max: 40, trim: true },
  sourceSystem: { min: 1, max: 100, trim: true },
  sourceEventId: { min: 1, max: 200, trim: true },
} as const satisfies Record<string, StringRule>;

/** The bounds of `eventId`, `reason.code`, `reason.text` and the measurements, as in the schema. */
export const EVENT_LIMITS = {
  eventId: 200,
  reasonCode: 40,
  reasonText: 500,
  weightG: 40_000_000,
  lengthMm: 20_000,
  widthMm: 3_000,
  heightMm: 3_000,
} as const;

const CODES: ReadonlySet<string> = new Set(EVENT_CODES);
const CLASSIFIER_SET: ReadonlySet<string> = new Set(CLASSIFIERS);
const INSTANT = z.core.regexes.datetime({ offset: true });
const STRING_KEYS = Object.keys(EVENT_STRING_RULES) as (keyof typeof EVENT_STRING_RULES)[];
const KNOWN = new Set([
  'eventId',
  'code',
  'classifier',
  'eventTime',
  'country',
  'reason',
  'measured',
  'updatedAt',
  'retracted',
  'simulated',
  ...STRING_KEYS,
]);

/** Instants already seen valid (a batch repeats few distinct times); bounded, cleared when full. */
const instants = new Set<string>();

function isInstant(x: unknown): x is string {
  if (typeof x !== 'string') return false;
  if (instants.has(x)) return true;
  if (!INSTANT.test(x) || !isBoundedInstant(x)) return false;
  if (instants.size >= 4096) instants.clear();
  instants.add(x);
  return true;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

const isInt = (x: unknown, max: number): x is number =>
  typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= max;

/**
 * The hot path of {@link parseEventInput}: the event as {@link EventInputSchema} would give it, when
 * the input is a plain object that passes every rule of the schema; `undefined` when anything is off
 * (then the schema itself decides, and names the problems). It accepts nothing the schema refuses and
 * gives what the schema gives (unknown keys dropped, strings trimmed where the schema trims,
 * `classifier` defaulting to ACT); a test holds both to that on a table of good and bad events.
 */
export function fastEventInput(raw: unknown): ParsedEventInput | undefined {
  if (!isPlainObject(raw)) return undefined;
  const { eventId, code, classifier, eventTime } = raw;
  if (
    typeof eventId !== 'string' ||
    eventId.length < 1 ||
    eventId.length > EVENT_LIMITS.eventId ||
    !VISIBLE_ASCII.test(eventId)
  )
    return undefined;
  if (typeof code !== 'string' || !CODES.has(code)) return undefined;
  if (classifier !== undefined && (typeof classifier !== 'string' || !CLASSIFIER_SET.has(classifier)))
    return undefined;
  if (!isInstant(eventTime)) return undefined;
  const out: Record<string, unknown> = {
    eventId,
    code: code as EventCode,
    classifier: (classifier ?? 'ACT') as Classifier,
    eventTime,
  };
  for (const key in raw) {
    if (!KNOWN.has(key)) continue;
    const value = raw[key];
    if (value === undefined || key === 'eventId' || key === 'code' || key === 'classifier') continue;
    if (key === 'eventTime') continue;
    const rule = (EVENT_STRING_RULES as Record<string, StringRule>)[key];
    if (rule !== undefined) {
      if (typeof value !== 'string') return undefined;
      const s = rule.trim ? value.trim() : value;
      if (s.length < rule.min || s.length > rule.max) return undefined;
      out[key] = s;
    } else if (key === 'country') {
      if (typeof value !== 'string' || !COUNTRY_CODES.has(value) || !/^[A-Z]{2}$/.test(value))
        return undefined;
      out.country = value;
    } else if (key === 'updatedAt') {
      if (!isInstant(value)) return undefined;
      out.updatedAt = value;
    } else if (key === 'retracted' || key === 'simulated') {
      if (typeof value !== 'boolean') return undefined;
      out[key] = value;
    } else if (key === 'reason') {
      const reason = reasonOf(value);
      if (reason === undefined) return undefined;
      out.reason = reason;
    } else if (key === 'measured') {
      const measured = measuredOf(value);
      if (measured === undefined) return undefined;
      out.measured = measured;
    }
  }
  return out as ParsedEventInput;
}

function reasonOf(value: unknown): ParsedEventInput['reason'] | undefined {
  if (!isPlainObject(value)) return undefined;
  const { code, text } = value;
  if (typeof code !== 'string' || code.length > EVENT_LIMITS.reasonCode || !KEBAB_ID.test(code))
    return undefined;
  if (text === undefined) return { code };
  if (typeof text !== 'string') return undefined;
  const t = text.trim();
  return t.length > EVENT_LIMITS.reasonText ? undefined : { code, text: t };
}

function measuredOf(value: unknown): ParsedEventInput['measured'] | undefined {
  if (!isPlainObject(value)) return undefined;
  const { weightG, lengthMm, widthMm, heightMm } = value;
  if (!isInt(weightG, EVENT_LIMITS.weightG)) return undefined;
  const out: { weightG: number; lengthMm?: number; widthMm?: number; heightMm?: number } = { weightG };
  if (lengthMm !== undefined) {
    if (!isInt(lengthMm, EVENT_LIMITS.lengthMm)) return undefined;
    out.lengthMm = lengthMm;
  }
  if (widthMm !== undefined) {
    if (!isInt(widthMm, EVENT_LIMITS.widthMm)) return undefined;
    out.widthMm = widthMm;
  }
  if (heightMm !== undefined) {
    if (!isInt(heightMm, EVENT_LIMITS.heightMm)) return undefined;
    out.heightMm = heightMm;
  }
  return out;
}

/**
 * Parses one event as it arrives: {@link fastEventInput} for the events that are fine (most of them,
 * several times faster than the schema), else {@link EventInputSchema} itself, whose issues are the
 * problems reported. The result is the schema's `safeParse` result either way.
 */
export function parseEventInput(raw: unknown): z.ZodSafeParseResult<ParsedEventInput> {
  const fast = fastEventInput(raw);
  return fast !== undefined ? { success: true, data: fast } : EventInputSchema.safeParse(raw);
}
