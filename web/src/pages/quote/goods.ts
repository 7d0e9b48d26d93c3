import { parseMajor } from '../../format.ts';

/** One goods line of the form, as typed. */
export interface GoodsLine {
  readonly description: string;
  readonly hsCode: string;
  readonly quantity: string;
  readonly value: string;
  readonly origin: string;
}

/** The API's upper bound of a parcel's gross weight (src/quote/request.ts). */
export const MAX_PARCEL_KG = 70;

export function emptyLine(description = ''): GoodsLine {
  return { description, hsCode: '', quantity: '1', value: '', origin: 'CN' };
}

/** Lines as the API takes them, or the number (1-based) of the first line that is not complete. */
export function itemsOf(
  lines: readonly GoodsLine[],
  currency: string,
):
  | {
      ok: true;
      items: {
        description: string;
        hsCode: string;
        quantity: number;
        unitValueMinor: number;
        currency: string;
        originCountry: string;
      }[];
    }
  | { ok: false; line: number } {
  const items = [];
  for (const [i, l] of lines.entries()) {
    const unitValueMinor = parseMajor(l.value, currency);
    const quantity = Number(l.quantity);
    if (
      !l.description.trim() ||
      !/^\d{6}(\d{2}){0,2}$/.test(l.hsCode.trim()) ||
      unitValueMinor === undefined ||
      !Number.isInteger(quantity) ||
      quantity < 1 ||
      !/^[A-Z]{2}$/.test(l.origin.trim().toUpperCase())
    )
      return { ok: false, line: i + 1 };
    items.push({
      description: l.description.trim(),
      hsCode: l.hsCode.trim(),
      quantity,
      unitValueMinor,
      currency,
      originCountry: l.origin.trim().toUpperCase(),
    });
  }
  return { ok: true, items };
}

/** The places a route stops at, in order, each once: "Xiyong → Tuanjiecun → Erenhot → …". */
export function stopsOf(legs: readonly { kind: string; from: string; to: string }[]): string[] {
  const stops: string[] = [];
  for (const l of legs) {
    for (const place of [l.from, l.to]) if (stops[stops.length - 1] !== place) stops.push(place);
  }
  return stops;
}
