import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { unknownHsCodeProblems } from '../api/hs-codes.ts';
import { Hub } from '../api/hub.ts';
import { answerLandedCost } from '../api/landed-cost.routes.ts';
import { answerQuote } from '../api/quotes.routes.ts';
import {
  CURRENCY_EXPONENTS,
  type Currency,
  LandbridgeError,
  parseMajor,
  problemsFromZod,
} from '../domain/index.ts';
import { LandedCostRequestSchema } from '../duties/index.ts';
import { fxConverter } from '../files/index.ts';
import { QuoteRequestSchema } from '../quote/index.ts';
import { commandDescription } from './commands.ts';
import { activeNetwork, landedFromStore, withStore } from './context.ts';
import { action } from './run.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];
const show = (minor: number, currency: string) =>
  `${currency} ${(minor / 10 ** (CURRENCY_EXPONENTS[currency as Currency] ?? 2)).toFixed(CURRENCY_EXPONENTS[currency as Currency] ?? 2)}`;

/** `--item HS:QTY:VALUE:CURRENCY[:ORIGIN]`, value in major units: `610910:2:7.99:USD`. */
function parseItems(items: readonly string[]) {
  return items.map((text, i) => {
    const [hsCode, qty, value, currency, origin] = text.split(':');
    const cur = (currency ?? 'USD') as Currency;
    const minor =
      value !== undefined && Object.hasOwn(CURRENCY_EXPONENTS, cur) ? parseMajor(value, cur) : undefined;
    if (!hsCode || !qty || minor === undefined) {
      throw new LandbridgeError(
        'invalid-input',
        `--item ${i + 1} "${text}" must be HS:QTY:VALUE:CURRENCY[:ORIGIN], e.g. 610910:2:7.99:USD`,
      );
    }
    return {
      description: `item ${i + 1}`,
      hsCode,
      quantity: Number(qty),
      unitValueMinor: minor,
      currency: cur,
      originCountry: origin ?? 'CN',
    };
  });
}

export function quoteCommands(program: Command): void {
  program
    .command('quote')
    .description(commandDescription('quote'))
    .requiredOption('--to <country>', 'destination country (ISO alpha-2)')
    .option('--postcode <code>', 'destination postcode')
    .requiredOption(
      '--ready <instant>',
      'ready at the hub, ISO 8601 with offset, e.g. 2026-12-03T10:00:00+08:00',
    )
    .option('--weight-g <grams>', 'parcel gross weight in grams')
    .option('--size <LxWxH>', 'parcel size in mm, e.g. 400x300x200')
    .option('--dg <un>', 'dangerous goods UN number (repeatable), e.g. UN3481', collect)
    .option('--item <hs:qty:value:cur[:origin]>', 'an item, for landed cost (repeatable)', collect)
    .option('--containers <type:count>', 'full containers instead of a parcel, e.g. 45G1:2')
    .option('--cargo-kg <kg>', 'cargo weight for full containers')
    .option('--incoterm <DDP|DAP>', 'DDP puts import charges in the price', 'DAP')
    .option('--currency <code>', 'currency of the answer', 'USD')
    .option('--json', 'print the answer as JSON')
    .action(
      action(async (opts: Record<string, string | string[] | boolean | undefined>) => {
        const items = parseItems((opts.item as string[] | undefined) ?? []);
        const dg = (opts.dg as string[] | undefined) ?? [];
        let shipment: unknown;
        if (opts.containers) {
          const [type, count] = String(opts.containers).split(':');
          shipment = {
            kind: 'fcl',
            containers: [{ type, count: Number(count ?? 1) }],
            cargoWeightG: Number(opts.cargoKg ?? 0) * 1000,
            dangerousGoods: dg,
            items,
          };
        } else {
          const [l, w, h] = String(opts.size ?? '')
            .split('x')
            .map(Number);
          shipment = {
            kind: 'parcel',
            grossWeightG: Number(opts.weightG),
            dimensions: { lengthMm: l, widthMm: w, heightMm: h },
            dangerousGoods: dg,
            items,
          };
        }
        const parsed = QuoteRequestSchema.safeParse({
          readyAt: opts.ready,
          destination: { country: opts.to, ...(opts.postcode ? { postcode: opts.postcode } : {}) },
          currency: opts.currency,
          incoterm: opts.incoterm,
          shipment,
        });
        if (!parsed.success)
          throw new LandbridgeError(
            'invalid-input',
            'not a valid quote request',
            problemsFromZod(parsed.error),
          );
        const unknownCodes = unknownHsCodeProblems(parsed.data.shipment.items, 'shipment.items');
        if (unknownCodes.length > 0)
          throw new LandbridgeError(
            'invalid-input',
            'an --item has an HS code that does not exist',
            unknownCodes,
          );
        await withStore(async (store) => {
          const network = await activeNetwork(store);
          const readyMs = Date.parse(parsed.data.readyAt);
          const landed = await landedFromStore(store);
          const hub = new Hub(network, fxConverter(landed.fx), () => readyMs, landed);
          const answer = answerQuote(hub, parsed.data);
          if (opts.json) {
            console.log(JSON.stringify(answer, null, 2));
            return;
          }
          if (!answer.ok) throw new LandbridgeError('not-found', `${answer.code}: ${answer.message}`);
          for (const o of answer.options) {
            const via = o.legs.filter((l) => l.kind === 'ride').map((l) => l.to);
            console.log(
              `${o.deliveryDate}  ${String(o.transitDays).padStart(3)} d  ${show(o.cost.totalMinor, o.cost.currency).padStart(14)}  ${String(o.co2eKg).padStart(8)} kg CO2e  ${o.labels.join(',').padEnd(24)} ${o.modes.join('+')} via ${via.join(' → ')}`,
            );
            if (o.landedCost?.ok)
              console.log(
                `${''.padEnd(20)}import charges ${show(o.landedCost.totalMinor, o.cost.currency)} (${o.landedCost.ruleSetId})`,
              );
          }
        });
      }),
    );

  program
    .command('landed-cost')
    .description(commandDescription('landed-cost'))
    .option('--file <json>', 'a landed-cost request as JSON (the API body)')
    .option('--to <country>', 'destination country (ISO alpha-2)')
    .option('--date <date>', 'import date YYYY-MM-DD')
    .option('--item <hs:qty:value:cur[:origin]>', 'an item (repeatable)', collect)
    .option('--shipping <amount>', 'shipping charged, major units of --costs-currency')
    .option('--costs-currency <code>', "currency of shipping (default: the first item's currency)")
    .option('--incoterm <DDP|DAP>', 'who pays import charges', 'DAP')
    .option('--channel <postal|express|freight>', 'how it is carried', 'express')
    .option('--weight-g <grams>', 'gross weight (needed where duty depends on weight)')
    .option('--currency <code>', 'currency of the second set of amounts')
    .option('--json', 'print the whole answer as JSON')
    .action(
      action(async (opts: Record<string, string | string[] | boolean | undefined>) => {
        let raw: unknown;
        if (opts.file) {
          try {
            raw = JSON.parse(readFileSync(String(opts.file), 'utf8'));
          } catch (e) {
            throw new LandbridgeError('invalid-input', `cannot read ${opts.file}`, [
              { where: { file: String(opts.file) }, why: (e as Error).message },
            ]);
          }
        } else {
          const items = parseItems((opts.item as string[] | undefined) ?? []);
          // Shipping is in the items' currency unless --costs-currency says otherwise.
          const cur = (
            opts.costsCurrency ? String(opts.costsCurrency) : (items[0]?.currency ?? 'USD')
          ) as Currency;
          if (!Object.hasOwn(CURRENCY_EXPONENTS, cur))
            throw new LandbridgeError(
              'invalid-input',
              `--costs-currency ${cur} is not a currency Landbridge knows`,
            );
          const shippingMinor = opts.shipping ? parseMajor(String(opts.shipping), cur) : undefined;
          if (opts.shipping && shippingMinor === undefined)
            throw new LandbridgeError(
              'invalid-input',
              `--shipping "${opts.shipping}" is not an amount of ${cur}`,
            );
          raw = {
            destination: opts.to,
            date: opts.date,
            items,
            ...(shippingMinor !== undefined ? { shippingMinor, costsCurrency: cur } : {}),
            incoterm: opts.incoterm,
            channel: opts.channel,
            ...(opts.weightG ? { grossWeightG: Number(opts.weightG) } : {}),
            ...(opts.currency ? { currency: opts.currency } : {}),
          };
        }
        const parsed = LandedCostRequestSchema.safeParse(raw);
        if (!parsed.success)
          throw new LandbridgeError(
            'invalid-input',
            'not a valid landed-cost request',
            problemsFromZod(parsed.error, opts.file ? { file: String(opts.file) } : {}),
          );
        const landed = await withStore((store) => landedFromStore(store));
        const hub = new Hub({ id: 'none' } as never, fxConverter(landed.fx), Date.now, landed);
        const r = answerLandedCost(hub, parsed.data as never);
        if (opts.json) {
          console.log(JSON.stringify(r, null, 2));
          return;
        }
        const c = r.currency;
        console.log(
          `${r.destination} on ${r.date}: rule set ${r.ruleSet.id} (${r.ruleSet.name}), ${r.tier.name}`,
        );
        console.log(
          `  goods ${show(r.goodsValue.minor, c)}, shipping ${show(r.shipping.minor, c)}, customs value ${show(r.customsValue.minor, c)} (${r.ruleSet.valueBasis})`,
        );
        for (const d of r.duties) {
          console.log(
            `  duty  ${show(d.amount.minor, c).padStart(14)}  ${d.name}${d.rate ? ` ${d.rate}` : ''}${d.hsMatched ? ` (HS ${d.hsMatched})` : ''} — ${d.collector}, paid by ${d.payer}`,
          );
        }
        for (const v of r.vat)
          console.log(
            `  VAT   ${show(v.amount.minor, c).padStart(14)}  ${v.rate ?? ''} — ${v.collector}, paid by ${v.payer}`,
          );
        for (const f of r.fees)
          console.log(
            `  fee   ${show(f.amount.minor, c).padStart(14)}  ${f.name} — ${f.collector}, paid by ${f.payer}`,
          );
        console.log(
          `  total ${show(r.totals.total.minor, c).padStart(14)}  (buyer at checkout ${show(r.totals.buyerAtCheckout.minor, c)}, at the door ${show(r.totals.buyerAtDoor.minor, c)}, seller ${show(r.totals.seller.minor, c)})`,
        );
        for (const f of r.fx)
          console.log(
            `  FX    ${f.from}→${f.to} ${f.rate}${f.tableDate ? ` (table of ${f.tableDate}: ${f.sources.join('; ')})` : ''}`,
          );
        for (const n of r.notes) console.log(`  note: ${n}`);
        console.log(`  source: ${r.ruleSet.sources.map((s) => s.title).join('; ')}`);
      }),
    );
}
