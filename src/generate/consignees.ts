import type { Consignee } from '../domain/parcel.ts';
import type { DestinationSpec, GeneratorMix } from './mix.ts';
import type { Random } from './random.ts';
import { WeightedChoice } from './weighted-choice.ts';

/** A piece of an address format: literal text, or a token to fill. */
type AddressPart = string | { readonly token: 'street' | 'n' | 'apt' | 'block' };

interface CompiledLanguage {
  readonly familyFirst: boolean;
  readonly names: readonly { readonly first: readonly string[]; readonly last: readonly string[] }[];
  readonly streets: readonly string[];
  readonly formats: readonly (readonly AddressPart[])[];
}

/** Phone pattern as UTF-16 code units, `#` (a random digit) as -1. */
type PhonePattern = readonly number[];

interface CompiledCity {
  readonly name: string;
  readonly zoneIndex: number;
  readonly postcodes: readonly string[];
  readonly phones: readonly PhonePattern[];
  readonly language: CompiledLanguage;
}

/** A destination country ready for drawing consignees. */
export interface CompiledDestination {
  readonly country: string;
  readonly ddpShare: number;
  readonly promise: string;
  readonly cities: readonly CompiledCity[];
  readonly cityChoice: WeightedChoice;
  readonly currencies: readonly string[];
  readonly currencyChoice: WeightedChoice;
}

function compileFormat(format: string): AddressPart[] {
  const parts: AddressPart[] = [];
  for (const piece of format.split(/(\{[a-z]+\})/)) {
    if (piece === '') continue;
    const m = /^\{([a-z]+)\}$/.exec(piece);
    if (m && (m[1] === 'street' || m[1] === 'n' || m[1] === 'apt' || m[1] === 'block'))
      parts.push({ token: m[1] });
    else parts.push(piece);
  }
  return parts;
}

function compilePhone(pattern: string): PhonePattern {
  return Array.from(pattern, (ch) => (ch === '#' ? -1 : ch.charCodeAt(0)));
}

function compileLanguage(spec: GeneratorMix['languages'][string]): CompiledLanguage {
  return {
    familyFirst: spec.familyFirst ?? false,
    names: spec.names,
    streets: spec.streets,
    formats: spec.addressFormats.map(compileFormat),
  };
}

/**
 * Compiles the destinations of a mix; `zoneIndex` of each city indexes `zones`, which this fills with
 * the distinct IANA zones in order of first appearance. Assumes `checkMixReferences` found no problem.
 */
export function compileDestinations(mix: GeneratorMix, zones: string[]): CompiledDestination[] {
  const languages = new Map<string, CompiledLanguage>();
  const language = (key: string): CompiledLanguage => {
    let lang = languages.get(key);
    if (!lang) {
      lang = compileLanguage(mix.languages[key]!);
      languages.set(key, lang);
    }
    return lang;
  };
  const zoneIndex = (zone: string): number => {
    const i = zones.indexOf(zone);
    if (i >= 0) return i;
    zones.push(zone);
    return zones.length - 1;
  };
  return mix.destinations.map((d: DestinationSpec) => {
    const currencies = Object.keys(d.currencies);
    return {
      country: d.country,
      ddpShare: d.ddpShare,
      promise: d.promise,
      cities: d.cities.map((c) => ({
        name: c.name,
        zoneIndex: zoneIndex(c.zone),
        postcodes: c.postcodes,
        phones: (c.phones ?? d.phones).map(compilePhone),
        language: language(c.language ?? d.language),
      })),
      cityChoice: new WeightedChoice(d.cities.map((c) => c.weight)),
      currencies,
      currencyChoice: new WeightedChoice(currencies.map((c) => d.currencies[c]!)),
    };
  });
}

function pickOf<T>(rng: Random, list: readonly T[]): T {
  return list[Math.floor(rng.float() * list.length)]!;
}

/** House numbers: mostly small, now and then in the hundreds. */
function houseNumber(rng: Random): number {
  const u = rng.float();
  return 1 + Math.floor(u * u * 240);
}

const phoneBuffer: number[] = [];

/** Fills the digits of a pattern; builds the string in one go (a flat string, not a rope of pieces). */
function fillPhone(rng: Random, pattern: PhonePattern): string {
  phoneBuffer.length = pattern.length;
  for (let i = 0; i < pattern.length; i++) {
    const code = pattern[i]!;
    phoneBuffer[i] = code < 0 ? 48 + Math.floor(rng.float() * 10) : code;
  }
  return String.fromCharCode(...phoneBuffer);
}

/**
 * A synthetic buyer in a city of the destination: a name from the language's small name lists, a
 * street from its list with a random number, a real postcode of the city and a phone number in the
 * country's format (a reserved fictional range where the country has one).
 */
export function drawConsignee(rng: Random, dest: CompiledDestination, city: CompiledCity): Consignee {
  const lang = city.language;
  const group = pickOf(rng, lang.names);
  const first = pickOf(rng, group.first);
  const last = pickOf(rng, group.last);
  const format = pickOf(rng, lang.formats);
  let address = '';
  for (const part of format) {
    if (typeof part === 'string') address += part;
    else if (part.token === 'street') address += pickOf(rng, lang.streets);
    else if (part.token === 'n') address += houseNumber(rng);
    else if (part.token === 'apt') address += 1 + Math.floor(rng.float() * 60);
    else address += 1 + Math.floor(rng.float() * 9);
  }
  return {
    name: lang.familyFirst ? `${last} ${first}` : `${first} ${last}`,
    address,
    city: city.name,
    postcode: pickOf(rng, city.postcodes),
    country: dest.country,
    phone: fillPhone(rng, pickOf(rng, city.phones)),
  };
}

/** Picks a city of the destination. */
export function drawCity(rng: Random, dest: CompiledDestination): CompiledCity {
  return dest.cities[dest.cityChoice.pick(rng)]!;
}
