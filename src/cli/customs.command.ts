import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import {
  DECLARATION_STATUSES,
  DESTINATION_DATASETS,
  type DestinationDataset,
  describeMismatch,
  destinationCsv,
  HubCustomsProfileSchema,
  type ParcelReferences,
  railNotesCsv,
  SellerCustomsProfileSchema,
} from '../customs/index.ts';
import {
  type CurrencyConverter,
  CurrencySchema,
  LandbridgeError,
  type Network,
  problemsFromZod,
} from '../domain/index.ts';
import { hubProfileOf } from '../eport/filing.ts';
import { exchangeFolders } from '../eport/folders.ts';
import { journeyEvents } from '../eport/journey-events.ts';
import { CustomsService } from '../eport/service.ts';
import { lazySigner, signerFromEnv } from '../eport/signer.ts';
import { type ResponderRules, TestCustomsResponder } from '../eport/test-responder.ts';
import { readCountryCodes, readVagueTerms } from '../files/index.ts';
import { hubExchangeDir, runCustomsExchange } from '../jobs/index.ts';
import type { Store } from '../store/index.ts';
import { commandDescription } from './commands.ts';
import { activeNetwork, converterFromFiles, landedFromFiles, withStore } from './context.ts';
import { say } from './printable.ts';
import { action } from './run.ts';

/** The exchange folder: `LANDBRIDGE_CUSTOMS_EXCHANGE_DIR`, default `./customs-exchange`. */
export function exchangeDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.LANDBRIDGE_CUSTOMS_EXCHANGE_DIR || 'customs-exchange';
}

/** The customs service of a store and network, configured from the environment and the shipped data. */
export async function customsServiceFor(
  store: Store,
  network: () => Network,
  nowMs: () => number = Date.now,
  fx?: CurrencyConverter,
  /** Another hub's customs: its own exchange folders (`ROOT/hubs/HUB_ID`); the root's by default. */
  hubId?: string,
): Promise<CustomsService> {
  const countries = readCountryCodes();
  const landed = landedFromFiles();
  return new CustomsService({
    store,
    network,
    codes: { country: (a2) => countries.get(a2) },
    signer: lazySigner(() => signerFromEnv()),
    folders: await exchangeFolders(
      hubId === undefined ? exchangeDir() : hubExchangeDir(exchangeDir(), hubId),
    ),
    fx: fx ?? converterFromFiles(),
    euMembers: new Set(landed.rules.byDestination.get('DE')?.data.destinations ?? []),
    vagueTerms: readVagueTerms(),
    nowMs,
    events: journeyEvents(network),
  });
}

async function withCustoms<T>(fn: (svc: CustomsService, store: Store) => Promise<T>): Promise<T> {
  return withStore(async (store) => {
    const network = await activeNetwork(store);
    return fn(await customsServiceFor(store, () => network), store);
  });
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new LandbridgeError('invalid-input', `cannot read ${file} as JSON`, [
      { where: { file }, why: (e as Error).message },
    ]);
  }
}

const print = (v: unknown) => console.log(JSON.stringify(v, null, 2));

function write(out: string | undefined, text: string): void {
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
}

const ReferenceRow = z.object({
  parcelId: z.string().min(1).max(100),
  orderNo: z.string().min(1).max(60).optional(),
  orderEbcCode: z.string().min(1).max(18).optional(),
  orderEbpCode: z.string().min(1).max(18).optional(),
  orderGoodsValueMinor: z.coerce.number().int().min(0).optional(),
  orderFreightMinor: z.coerce.number().int().min(0).optional(),
  orderCurrency: CurrencySchema.optional(),
  payNo: z.string().min(1).max(60).optional(),
  payEbcCode: z.string().min(1).max(18).optional(),
  payChargeMinor: z.coerce.number().int().min(0).optional(),
  payCurrency: CurrencySchema.optional(),
  paidAt: z.iso.datetime({ offset: true }).optional(),
  waybillNo: z.string().min(1).max(32).optional(),
  waybillLogisticsCode: z.string().min(1).max(18).optional(),
  waybillGrossWeightG: z.coerce.number().int().min(1).optional(),
});

/** Reads a references file (JSON array or CSV with the same column names); every bad row named. */
export function readReferencesFile(file: string): { parcelId: string; references: ParcelReferences }[] {
  let rows: unknown[];
  if (file.toLowerCase().endsWith('.csv')) {
    try {
      rows = (
        parseCsv(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true, trim: true }) as Record<
          string,
          string
        >[]
      ).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== '')));
    } catch (e) {
      throw new LandbridgeError('invalid-input', `cannot read ${file} as CSV`, [
        { where: { file }, why: (e as Error).message },
      ]);
    }
  } else {
    const raw = readJson(file);
    rows = Array.isArray(raw) ? raw : ((raw as { references?: unknown[] })?.references ?? []);
  }
  const problems = [];
  const out: { parcelId: string; references: ParcelReferences }[] = [];
  const header = file.toLowerCase().endsWith('.csv') ? 1 : 0;
  for (const [i, raw] of rows.entries()) {
    const r = ReferenceRow.safeParse(raw);
    if (!r.success) {
      problems.push(...problemsFromZod(r.error, { file, row: i + 1 + header }));
      continue;
    }
    const { parcelId, paidAt, ...refs } = r.data;
    out.push({ parcelId, references: { ...refs, ...(paidAt ? { paidAtMs: Date.parse(paidAt) } : {}) } });
  }
  if (problems.length > 0)
    throw new LandbridgeError(
      'invalid-input',
      `${file}: ${problems.length} problem(s); nothing was written`,
      problems,
    );
  return out;
}

/** `landbridge customs …`: China export declarations and the E-port exchange. */
export function customsCommands(program: Command): void {
  const customs = program.command('customs').description(commandDescription('customs'));

  customs
    .command('profile')
    .description("Show the hub's customs profile, or set it from a JSON file")
    .option(
      '--set <file>',
      'JSON file with the profile (customsCode, agentCode, … as in GET /v1/customs/profile)',
    )
    .action(
      action(async (opts: { set?: string }) =>
        withCustoms(async (svc, store) => {
          if (opts.set) {
            const parsed = HubCustomsProfileSchema.safeParse({
              ...(readJson(opts.set) as object),
              hubId: svc.hubId,
              source: 'imported',
            });
            if (!parsed.success)
              throw new LandbridgeError(
                'invalid-input',
                `${opts.set} is not a hub customs profile`,
                problemsFromZod(parsed.error, { file: opts.set }),
              );
            await store.customs.saveHubProfile(parsed.data);
          }
          print(await hubProfileOf(store, svc.hubId));
        }),
      ),
    );

  customs
    .command('seller-profile <sellerId>')
    .description(
      "Show a seller's customs profile (derived sample codes until imported), or set it from a JSON file",
    )
    .option(
      '--set <file>',
      'JSON file with the profile (ebcCode, ebcName, ownerCode, ebpCode, payCode, address, iossNumber, …)',
    )
    .action(
      action(async (sellerId: string, opts: { set?: string }) =>
        withCustoms(async (svc, store) => {
          if (!(await store.sellers.get(sellerId)))
            throw new LandbridgeError('not-found', `no seller ${sellerId}`);
          if (opts.set) {
            const parsed = SellerCustomsProfileSchema.safeParse({
              ...(readJson(opts.set) as object),
              sellerId,
              source: 'imported',
            });
            if (!parsed.success)
              throw new LandbridgeError(
                'invalid-input',
                `${opts.set} is not a seller customs profile`,
                problemsFromZod(parsed.error, { file: opts.set }),
              );
            await store.customs.saveSellerProfiles(svc.hubId, [parsed.data]);
          }
          print((await svc.sellerProfiles([{ sellerId }])).get(sellerId));
        }),
      ),
    );

  customs
    .command('references <file>')
    .description(
      'Import what platforms, payment and logistics companies reported per parcel (JSON array or CSV: parcelId, orderNo, payNo, payChargeMinor, payCurrency, waybillNo, …); all or nothing',
    )
    .action(
      action(async (file: string) =>
        withCustoms(async (svc, store) => {
          const refs = readReferencesFile(file);
          const known = new Set(
            (await store.customs.getParcels(refs.map((r) => r.parcelId))).map((p) => p.id),
          );
          const missing = refs.flatMap((r, i) =>
            known.has(r.parcelId)
              ? []
              : [{ where: { file, row: i + 1, field: 'parcelId' }, why: `no parcel ${r.parcelId}` }],
          );
          if (missing.length > 0)
            throw new LandbridgeError(
              'invalid-input',
              `${file}: ${missing.length} unknown parcel(s); nothing was written`,
              missing,
            );
          await store.customs.saveReferences(svc.hubId, refs);
          say(`${refs.length} parcel references imported.`);
        }),
      ),
    );

  customs
    .command('match <departureId>')
    .description(
      "Three-document matching of a planned departure's parcels (order ↔ list ↔ payment ↔ waybill); nothing is sent",
    )
    .option('--plan <id>', 'the plan (default: the newest finished plan with the departure)')
    .option('--json', 'print the report as JSON')
    .action(
      action(async (departureId: string, opts: { plan?: string; json?: boolean }) =>
        withCustoms(async (svc) => {
          const r = await svc.matching(departureId, opts.plan);
          const bad = r.results.filter((x) => !x.ok);
          if (opts.json)
            return print({
              planId: r.planId,
              parcels: r.results.length,
              mismatched: bad.length,
              mismatches: bad.flatMap((x) => x.mismatches),
            });
          say(
            `${departureId} (plan ${r.planId}): ${r.results.length} parcels, ${r.results.length - bad.length} match, ${bad.length} do not`,
          );
          for (const x of bad) for (const m of x.mismatches) say(`  ${describeMismatch(m)}  [${m.rule}]`);
          if (bad.length > 0) process.exitCode = 3;
        }),
      ),
    );

  customs
    .command('send <departureId>')
    .description(
      "File a planned departure: match, hold mismatches, write signed and XSD-validated CEB303/403/505/603 and the departure's CEB507/607 into the out folder",
    )
    .option('--plan <id>', 'the plan (default: the newest finished plan with the departure)')
    .option('--resend', 'file again the parcels already declared (as a change)')
    .action(
      action(async (departureId: string, opts: { plan?: string; resend?: boolean }) =>
        withCustoms(async (svc) => {
          const r = await svc.fileDeparture(departureId, {
            ...(opts.plan ? { planId: opts.plan } : {}),
            resend: opts.resend === true,
          });
          say(
            `${departureId}: ${r.parcels} parcels, ${r.sent} filed, ${r.held.length} held, ${r.skipped} already filed; ${r.messages.length} messages in ${svc.options.folders.out}`,
          );
          for (const h of r.held) say(`  held ${h.parcelId}: ${h.reasons.join('; ')}`);
        }),
      ),
    );

  customs
    .command('depart <departureId>')
    .description(
      'Write the departure report (CEB509) with the parcels customs released; list the parcels that stay',
    )
    .action(
      action(async (departureId: string) =>
        withCustoms(async (svc) => {
          const r = await svc.reportDeparture(departureId);
          say(`${departureId}: ${r.onBoard} parcels on board; ${r.left.length} stay at the hub`);
          for (const l of r.left) say(`  ${l.parcelId}: ${l.status}`);
        }),
      ),
    );

  customs
    .command('exchange')
    .description(
      'One pass of the exchange: staged messages out, receipts in (processed once; unreadable ones to error/ with the reason)',
    )
    .option(
      '--test-responder [rules]',
      'TEST CUSTOMS RESPONDER, not customs: answer the out folder first, by the rules in this JSON file (default: release all)',
    )
    .action(
      action(async (opts: { testResponder?: string | boolean }) =>
        withCustoms(async (svc, store) => {
          const rules: ResponderRules =
            typeof opts.testResponder === 'string' ? (readJson(opts.testResponder) as ResponderRules) : {};
          const hub = await hubProfileOf(store, svc.hubId);
          const r = await runCustomsExchange({
            store,
            hubId: svc.hubId,
            folders: svc.options.folders,
            nowMs: Date.now,
            sink: journeyEvents(() => svc.options.network()),
            ...(opts.testResponder
              ? {
                  testResponder: new TestCustomsResponder(
                    svc.options.folders,
                    rules,
                    Date.now,
                    hub.customsCode,
                  ),
                }
              : {}),
          });
          say(
            `${r.processed} receipts taken in, ${r.duplicates} duplicates, ${r.errors.length} set aside; ${r.changes.length} declarations changed`,
          );
          for (const e of r.errors) say(`  error ${e.file}: ${e.why}`);
        }),
      ),
    );

  customs
    .command('status')
    .description(
      'Declarations by status (the customs queue), or one parcel with its documents, mismatches and events',
    )
    .option('--parcel <id>', 'one parcel')
    .option('--departure <id>', 'one departure')
    .option('--status <status>', `one status (${DECLARATION_STATUSES.join(', ')})`)
    .option('--json', 'JSON')
    .action(
      action(async (opts: { parcel?: string; departure?: string; status?: string; json?: boolean }) =>
        withCustoms(async (svc, store) => {
          if (opts.status && !(DECLARATION_STATUSES as readonly string[]).includes(opts.status))
            throw new LandbridgeError(
              'invalid-input',
              `--status must be one of ${DECLARATION_STATUSES.join(', ')}`,
              [{ where: { field: '--status' }, why: opts.status }],
            );
          if (opts.parcel) {
            const d = await store.customs.getDeclaration(svc.hubId, opts.parcel);
            if (!d)
              throw new LandbridgeError('not-found', `parcel ${opts.parcel} has no customs declaration`);
            return print({ ...d, events: await store.customs.listEvents(svc.hubId, d.parcelId) });
          }
          const counts = await store.customs.countDeclarations(
            svc.hubId,
            opts.departure ? { departureId: opts.departure } : {},
          );
          const items = await store.customs.listDeclarations(svc.hubId, {
            ...(opts.departure ? { departureId: opts.departure } : {}),
            ...(opts.status ? { status: opts.status as (typeof DECLARATION_STATUSES)[number] } : {}),
            limit: 200,
          });
          if (opts.json) return print({ counts, items: items.map(({ documents: _d, ...rest }) => rest) });
          console.log(
            Object.entries(counts)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ') || 'no declarations',
          );
          for (const d of items.filter((x) => x.reason)) say(`  ${d.parcelId} ${d.status}: ${d.reason}`);
        }),
      ),
    );

  customs
    .command('message <id>')
    .description('Print a message as written (signed CEB XML)')
    .action(
      action(async (id: string) =>
        withCustoms(async (svc, store) => {
          const m = await store.customs.getMessage(svc.hubId, id);
          if (!m) throw new LandbridgeError('not-found', `no message ${id}`);
          process.stdout.write(`<?xml version="1.0" encoding="UTF-8"?>\n${m.xml}\n`);
        }),
      ),
    );

  customs
    .command('messages')
    .description('Messages written, per departure with --departure')
    .option('--departure <id>', 'one departure')
    .action(
      action(async (opts: { departure?: string }) =>
        withCustoms(async (svc, store) => {
          for (const m of await store.customs.listMessages(
            svc.hubId,
            opts.departure ? { departureId: opts.departure } : {},
          ))
            say(`${m.id}  ${m.type}  ${m.parcelCount} parcels  ${m.fileName}`);
        }),
      ),
    );

  customs
    .command('summary')
    .description(
      'Monthly summary declaration: released B lists grouped (exporter, HS code, currency, country, transport mode, month), one CEB701 per exporter',
    )
    .requiredOption('--month <YYYY-MM>', 'the month')
    .option('--cutoff-day <n>', 'last day of the month whose releases count (default: month end)')
    .option('--deadline-day <n>', 'day of the next month the summary is due (default 15)')
    .option('--summary-flag <1|2>', '1: per exporter; 2: per exporter and producer', '1')
    .option('--dry-run', 'plan only, send nothing')
    .option('--json', 'JSON')
    .action(
      action(
        async (opts: {
          month: string;
          cutoffDay?: string;
          deadlineDay?: string;
          summaryFlag: string;
          dryRun?: boolean;
          json?: boolean;
        }) =>
          withCustoms(async (svc) => {
            const parsed = z
              .object({
                month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM'),
                cutoffDay: z.coerce.number().int().min(1).max(31).optional(),
                deadlineDay: z.coerce.number().int().min(1).max(28).optional(),
                summaryFlag: z.enum(['1', '2']),
              })
              .safeParse(opts);
            if (!parsed.success)
              throw new LandbridgeError(
                'invalid-input',
                'bad summary options',
                problemsFromZod(parsed.error, {}, '-'),
              );
            const p = parsed.data;
            const plan = await svc.monthlySummary({
              month: p.month,
              ...(p.cutoffDay ? { cutoffDay: p.cutoffDay } : {}),
              ...(p.deadlineDay ? { deadlineDay: p.deadlineDay } : {}),
              summaryFlag: p.summaryFlag,
              dryRun: opts.dryRun === true,
            });
            if (opts.json) return print(plan);
            say(
              `${p.month}: ${plan.declarations.length} declarations from ${plan.requests.length} exporters, due ${plan.period.deadline}; ${plan.excluded.length} lists left out; ${plan.messages.length} messages sent`,
            );
            for (const d of plan.declarations)
              say(
                `  ${d.ebcCode} mode ${d.trafMode} → ${d.arrivalCountry}: ${d.invtNos.length} lists, ${d.items.length} items, ${Object.entries(
                  d.totals,
                )
                  .map(([c, v]) => `${c} ${(v / 100).toFixed(2)}`)
                  .join(', ')}`,
              );
          }),
      ),
    );

  customs
    .command('stats')
    .description('Export value from released lists by destination, HS chapter, corridor and month')
    .option('--from <date>', 'first release date (YYYY-MM-DD, China time)')
    .option('--to <date>', 'last release date')
    .option('--currency <code>', 'report currency', 'USD')
    .action(
      action(async (opts: { from?: string; to?: string; currency: string }) =>
        withCustoms(async (svc) => {
          const c = CurrencySchema.safeParse(opts.currency);
          if (!c.success)
            throw new LandbridgeError(
              'invalid-input',
              `--currency: ${opts.currency} is not a supported currency`,
            );
          const day = (d: string, field: string) => {
            if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(d)))
              throw new LandbridgeError('invalid-input', `${field} must be a date YYYY-MM-DD`, [
                { where: { field }, why: d },
              ]);
            return Date.parse(`${d}T00:00:00+08:00`);
          };
          print(
            await svc.statistics(
              {
                ...(opts.from ? { fromMs: day(opts.from, '--from') } : {}),
                ...(opts.to ? { toMs: day(opts.to, '--to') + 86_400_000 } : {}),
              },
              c.data,
            ),
          );
        }),
      ),
    );

  customs
    .command('destination <departureId>')
    .description(
      "Destination data of a departure's parcels: EU ICS2 house data and H7 (EUR 3 per subheading), US entry lines, UK, description check",
    )
    .option(
      '--dataset <name>',
      `CSV of one data set (${DESTINATION_DATASETS.join(', ')}); JSON of all without`,
    )
    .option('--out <file>', 'write to a file')
    .action(
      action(async (departureId: string, opts: { dataset?: string; out?: string }) =>
        withCustoms(async (svc) => {
          if (opts.dataset && !(DESTINATION_DATASETS as readonly string[]).includes(opts.dataset))
            throw new LandbridgeError(
              'invalid-input',
              `--dataset must be one of ${DESTINATION_DATASETS.join(', ')}`,
              [{ where: { field: '--dataset' }, why: opts.dataset }],
            );
          const data = await svc.destinationData(departureId);
          write(
            opts.out,
            opts.dataset
              ? destinationCsv(data, opts.dataset as DestinationDataset)
              : `${JSON.stringify(data, null, 2)}\n`,
          );
        }),
      ),
    );

  customs
    .command('rail-notes <departureId>')
    .description('CIM/SMGS consignment-note data per container of a rail departure')
    .option('--csv', 'CSV instead of JSON')
    .option('--out <file>', 'write to a file')
    .action(
      action(async (departureId: string, opts: { csv?: boolean; out?: string }) =>
        withCustoms(async (svc) => {
          const notes = await svc.railNotes(departureId);
          write(opts.out, opts.csv ? railNotesCsv(notes) : `${JSON.stringify(notes, null, 2)}\n`);
        }),
      ),
    );

  customs
    .command('cancel <parcelId>')
    .description("Ask customs to cancel a parcel's list (CEB605)")
    .requiredOption('--reason <text>', 'why')
    .action(
      action(async (parcelId: string, opts: { reason: string }) =>
        withCustoms(async (svc) => {
          const r = await svc.cancel(parcelId, opts.reason);
          say(`cancellation ${r.message.id} written for ${parcelId}`);
        }),
      ),
    );
}
