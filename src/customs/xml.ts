/**
 * XML text as the CEB messages need it, written directly in canonical form (W3C Canonical XML 1.0,
 * http://www.w3.org/TR/2001/REC-xml-c14n-20010315): no whitespace between elements, namespace
 * declarations before attributes, attributes in order, empty elements as a start and an end tag, and
 * only the escapes C14N uses. So the bytes Landbridge writes are the bytes a verifier canonicalises.
 */

export const CEB_NS = 'http://www.chinaport.gov.cn/ceb';
export const DXP_NS = 'http://www.chinaport.gov.cn/dxp';
export const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** Escapes character data as C14N does: `&`, `<`, `>` and carriage return. */
export function escapeText(text: string): string {
  if (!/[&<>\r]/.test(text)) return text;
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

/** Escapes an attribute value as C14N does: `&`, `<`, `"`, tab, line feed, carriage return. */
export function escapeAttribute(text: string): string {
  if (!/[&<"\t\n\r]/.test(text)) return text;
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}

/** Whether XML 1.0 allows a UTF-16 code unit: not the control characters other than tab, LF, CR, nor U+FFFE/U+FFFF. */
function isXmlChar(code: number): boolean {
  return (
    code === 0x09 || code === 0x0a || code === 0x0d || (code >= 0x20 && code !== 0xfffe && code !== 0xffff)
  );
}

/** Text fit for an element: characters XML does not allow dropped, cut to `max` characters. */
export function clean(text: string, max: number): string {
  let t = text;
  for (let i = 0; i < t.length; i++) {
    if (!isXmlChar(t.charCodeAt(i))) {
      t = [...t].filter((ch) => isXmlChar(ch.charCodeAt(0))).join('');
      break;
    }
  }
  if (t.length <= max) return t;
  const chars = [...t];
  return chars.length <= max ? t : chars.slice(0, max).join('');
}

/**
 * A sequence of `ceb:` child elements, in the order given (the schema's order). Undefined values are
 * left out (optional elements); empty strings are written as empty elements.
 */
export function cebFields(fields: readonly (readonly [string, string | number | undefined])[]): string {
  let out = '';
  for (const [name, value] of fields) {
    if (value === undefined) continue;
    out += `<ceb:${name}>${escapeText(String(value))}</ceb:${name}>`;
  }
  return out;
}

/** Formats an instant as `YYYYMMDDhhmmss` in China Standard Time (UTC+8, no daylight saving). */
export function cstTimestamp(atMs: number): string {
  return isoCst(atMs).slice(0, 19).replace(/[-T:]/g, '');
}

/** Formats an instant as `YYYYMMDD` in China Standard Time. */
export function cstDate(atMs: number): string {
  return isoCst(atMs).slice(0, 10).replace(/-/g, '');
}

/** `yyyy-MM-ddTHH:mm:ss` in China Standard Time: the DXP envelope's CreatTime. */
export function cstDxpTime(atMs: number): string {
  return isoCst(atMs).slice(0, 19);
}

const CST_OFFSET_MS = 8 * 3_600_000;

function isoCst(atMs: number): string {
  return new Date(atMs + CST_OFFSET_MS).toISOString();
}

/** Parses `YYYYMMDDhhmmss` (14) or `yyyyMMddHHmmssfff` (17) China Standard Time into UTC epoch ms. */
export function parseCstTimestamp(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})?$/.exec(text.trim());
  if (!m) return undefined;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, m[7] ? +m[7] : 0) - CST_OFFSET_MS;
  return Number.isNaN(ms) ? undefined : ms;
}

/** Grams as kilograms with up to 3 decimals, as the schema's N19,5 decimals: 1234 g is "1.234". */
export function kilograms(grams: number): string {
  const g = Math.max(0, Math.round(grams));
  const whole = Math.trunc(g / 1000);
  const frac = String(g % 1000)
    .padStart(3, '0')
    .replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

/**
 * 64-bit FNV-1a of a string as two 32-bit halves, seeded. Used to derive identifiers (GUIDs, numbers)
 * from their content, so the same inputs give the same messages byte for byte.
 */
function fnv64(text: string, seed: number): [number, number] {
  let h1 = 0x811c9dc5 ^ seed;
  let h2 = 0x050c5d1f ^ Math.imul(seed, 0x9e3779b1);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h1 >>> 15);
  }
  return [h1 >>> 0, h2 >>> 0];
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/**
 * A 36-character upper-case GUID derived from `key` (the form the schema asks for:
 * 8-4-4-4-12 hexadecimal). Distinct keys give distinct GUIDs with overwhelming probability.
 */
export function guidOf(key: string): string {
  const [a, b] = fnv64(key, 1);
  const [c, d] = fnv64(key, 2);
  const h = (hex8(a) + hex8(b) + hex8(c) + hex8(d)).toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** `digits` decimal digits derived from `key`, for synthetic numbers (waybills, payment ids). */
export function digitsOf(key: string, digits: number): string {
  let out = '';
  let seed = 3;
  while (out.length < digits) {
    const [a, b] = fnv64(key, seed++);
    out += String(a % 100_000).padStart(5, '0') + String(b % 100_000).padStart(5, '0');
  }
  return out.slice(0, digits);
}
