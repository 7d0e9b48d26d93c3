import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import {
  CURRENCY_EXPONENTS,
  type Currency,
  DateSchema,
  LandbridgeError,
  type Problem,
  parseMajor,
} from '../domain/index.ts';
import {
  convert,
  euCustomsTables,
  FX_SOURCE_IDS,
  type FxRateSource,
  type FxSourceId,
  fxFreshness,
  type ImportedFxTable,
  OFFICIAL_FX_SOURCES,
  parseFxFile,
  type ReadFxFileResult,
} from '../duties/index.ts';
import type { Store } from '../store/index.ts';
import { commandDescription } from './commands.ts';
import { fxFromStore, withStore } from './context.ts';
import { action } from './run.ts';

/** The ECB's daily reference-rate file; `--url` or LANDBRIDGE_FX_URL name another (a local mirror, the 90-day file). */
export const ECB_DAILY_URL = 'https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml';

/** How long `fx update` waits for the server. */
const FETCH_TIMEOUT_MS = 30_000;

function sourceOption(text: string | undefined): FxSourceId {
  const source = (text ?? 'ecb') as FxSourceId;
  if (!FX_SOURCE_IDS.includes(source))
    throw new LandbridgeError(
      'invalid-input',
      `--source must be one of ${FX_SOURCE_IDS.join(', ')}, got "${text}"`,
    );
  return source;
}

function problemsOf(result: Extract<ReadFxFileResult, { ok: false }>, file: string): Problem[] {
  return result.problems.map((p) => ({
    where: { file, ...(p.row !== undefined ? { row: p.row } : {}), ...(p.field ? { field: p.field } : {}) },
    why: p.why,
  }));
}

/** Stores the tables read from a file or URL and prints what changed; all or nothing. */
async function store(
  store: Store,
  text: string,
  origin: string,
  shown: string,
  source: FxSourceId,
): Promise<void> {
  const read = parseFxFile(text, origin, source);
  if (!read.ok)
    throw new LandbridgeError(
      'invalid-input',
      `${shown} is not a rate file Landbridge reads; nothing was imported`,
      problemsOf(read, shown),
    );
  const result = await store.fx.upsertMany(read.tables);
  const first = read.tables[0] as ImportedFxTable;
  const last = read.tables[read.tables.length - 1] as ImportedFxTable;
  console.log(
    `imported ${read.tables.length} ${source} table${read.tables.length === 1 ? '' : 's'} (${first.date}${first === last ? '' : ` to ${last.date}`}) from ${shown}: ${result.inserted} new, ${result.replaced} replaced`,
  );
  if (read.skippedCurrencies.length > 0)
    console.log(`  left out (currencies Landbridge does not use): ${read.skippedCurrencies.join(' ')}`);
  if (source === 'ecb') {
    const months = euCustomsTables(
      await store.fx.list().then((all) => all.filter((t) => t.source === 'ecb')),
    );
    if (months.length > 0) {
      const latest = months[months.length - 1] as ImportedFxTable;
      console.log(
        `  EU monthly customs rates derived for ${months.length} month(s), latest ${latest.date} to ${latest.validTo} (${latest.origin})`,
      );
    }
  }
  const { tables } = await fxFromStore(store);
  const newest = tables.days[tables.days.length - 1]?.date;
  if (newest) {
    const f = fxFreshness(newest, new Date().toISOString().slice(0, 10));
    console.log(`  newest reference table: ${newest}${f.stale ? ` — warning: ${f.warning}` : ''}`);
  }
}

export function fxCommands(program: Command): void {
  const fx = program.command('fx').description(commandDescription('fx'));

  fx.command('import')
    .description(
      'Import rate tables from a file: the ECB’s eurofxref-hist.csv / .xml, eurofxref-daily.xml or eurofxref.csv as downloaded, or a customs rate table (CSV: date,base,currency,rate[,valid_to]) with --source',
    )
    .argument('<file>', 'the file')
    .option('--source <id>', `whose rates: ${FX_SOURCE_IDS.join(', ')}`, 'ecb')
    .action(
      action(async (file: string, opts: { source?: string }) => {
        const source = sourceOption(opts.source);
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (e) {
          throw new LandbridgeError('not-found', `cannot read ${file}`, [
            { where: { file }, why: (e as Error).message },
          ]);
        }
        await withStore((s) => store(s, text, basename(file), file, source));
      }),
    );

  fx.command('update')
    .description(
      `Fetch the ECB’s daily reference rates (${ECB_DAILY_URL}, or --url / $LANDBRIDGE_FX_URL) and import them`,
    )
    .option('--url <url>', 'where to fetch from (any of the ECB’s rate files)')
    .action(
      action(async (opts: { url?: string }) => {
        const url = opts.url ?? process.env.LANDBRIDGE_FX_URL ?? ECB_DAILY_URL;
        if (!/^https?:\/\//.test(url))
          throw new LandbridgeError('invalid-input', `--url must be an http(s) URL, got "${url}"`);
        let text: string;
        try {
          const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
          if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
          text = await res.text();
        } catch (e) {
          const why =
            (e as Error).name === 'TimeoutError'
              ? `no answer in ${FETCH_TIMEOUT_MS / 1000} s`
              : (e as Error).message;
          throw new LandbridgeError(
            'unavailable',
            `cannot fetch ${url}: ${why}; the stored rates are unchanged`,
          );
        }
        await withStore((s) => store(s, text, url, url, 'ecb'));
      }),
    );

  fx.command('status')
    .description(
      'What rate tables are in force: the newest reference day and its age, customs tables, imports',
    )
    .option('--json', 'print as JSON')
    .action(
      action(async (opts: { json?: boolean }) => {
        await withStore(async (s) => {
          const { tables } = await fxFromStore(s);
          const today = new Date().toISOString().slice(0, 10);
          const newest = tables.days[tables.days.length - 1]?.date ?? '';
          const f = fxFreshness(newest, today);
          const imports = await s.fx.summary();
          const official = OFFICIAL_FX_SOURCES.map((source) => ({
            source,
            tables: tables.official?.get(source)?.length ?? 0,
            newest: tables.official?.get(source)?.at(-1),
          }));
          if (opts.json) {
            console.log(
              JSON.stringify(
                {
                  today,
                  reference: f,
                  imports,
                  official: official.map((o) => ({
                    source: o.source,
                    tables: o.tables,
                    newestDate: o.newest?.date,
                  })),
                },
                null,
                2,
              ),
            );
            return;
          }
          console.log(
            `reference rates: newest table ${newest}, ${f.ageDays} days old${f.stale ? ` — warning: ${f.warning}` : ''}`,
          );
          for (const o of official)
            console.log(
              `${o.source}: ${o.tables} table(s)${o.newest ? `, newest ${o.newest.date}${o.newest.validTo ? ` to ${o.newest.validTo}` : ''}` : ''}`,
            );
          for (const i of imports)
            console.log(
              `imported ${i.source}: ${i.tables} table(s) ${i.oldestDate} to ${i.newestDate}, last import ${new Date(i.lastImportedAtMs).toISOString()}`,
            );
        });
      }),
    );

  fx.command('convert')
    .description(
      'Convert an amount on a date with the tables in force, saying which table and source it used',
    )
    .argument('<amount>', 'amount in major units, e.g. 100.00')
    .argument('<from>', 'ISO 4217 currency')
    .argument('<to>', 'ISO 4217 currency')
    .requiredOption('--date <date>', 'YYYY-MM-DD')
    .option('--source <id>', `rates: reference (default), ${OFFICIAL_FX_SOURCES.join(', ')}`, 'reference')
    .action(
      action(async (amount: string, from: string, to: string, opts: { date: string; source: string }) => {
        for (const [name, c] of [
          ['<from>', from],
          ['<to>', to],
        ] as const) {
          if (!Object.hasOwn(CURRENCY_EXPONENTS, c))
            throw new LandbridgeError('invalid-input', `${name} ${c} is not a currency Landbridge knows`);
        }
        if (!DateSchema.safeParse(opts.date).success)
          throw new LandbridgeError('invalid-input', `--date must be a date YYYY-MM-DD, got "${opts.date}"`);
        const source = opts.source as FxRateSource;
        if (source !== 'reference' && !OFFICIAL_FX_SOURCES.includes(source as never))
          throw new LandbridgeError(
            'invalid-input',
            `--source must be reference, ${OFFICIAL_FX_SOURCES.join(' or ')}`,
          );
        const minor = parseMajor(amount, from as Currency);
        if (minor === undefined)
          throw new LandbridgeError('invalid-input', `<amount> "${amount}" is not an amount of ${from}`);
        await withStore(async (s) => {
          const { tables } = await fxFromStore(s);
          const r = convert(minor, from as Currency, to as Currency, opts.date, tables, source);
          if (!r.ok) throw new LandbridgeError('unavailable', r.message);
          const exp = CURRENCY_EXPONENTS[to as Currency];
          console.log(
            `${from} ${amount} = ${to} ${(r.minor / 10 ** exp).toFixed(exp)} on ${opts.date} at ${r.rate}` +
              (r.tableDate
                ? ` (${r.rateSource} table of ${r.tableDate}${r.fellBack ? `; no ${source} table in force, reference rates used` : ''}: ${r.sources.map((x) => x.title).join('; ')})`
                : ''),
          );
        });
      }),
    );
}
