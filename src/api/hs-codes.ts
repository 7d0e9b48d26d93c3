import type { Problem } from '../domain/index.ts';
import { shippedHsNomenclature } from '../files/hs-files.ts';
import { checkDeclaredHsCode, type HsNomenclature } from '../hs/index.ts';

/**
 * The problems of a request's item lines whose HS code does not exist, each naming its field
 * (`shipment.items.0.hsCode: 999999 is not an HS 2022 code`). Quotes with items call it before quoting,
 * so that a code that does not exist is refused by name, as landed cost and parcel intake refuse it.
 */
export function unknownHsCodeProblems(
  items: readonly { readonly hsCode: string }[],
  fieldPrefix: string,
  nomenclature: HsNomenclature = shippedHsNomenclature(),
): Problem[] {
  const out: Problem[] = [];
  items.forEach((item, i) => {
    const why = checkDeclaredHsCode(nomenclature, item.hsCode);
    if (why !== undefined) out.push({ where: { field: `${fieldPrefix}.${i}.hsCode` }, why });
  });
  return out;
}
