/**
 * `npm run bench:hs`: accuracy of the HS classifier on labelled product titles, and its speed.
 *
 * Two labelled sets of real-style marketplace titles (English and Chinese), each with the HS 2022
 * subheading a person chose: `titles-dev.csv`, on which the keyword table and the ranking were tuned, and
 * `titles-held-out.csv`, written at the same time and never tuned on. Prints top-1 and top-5 accuracy at
 * heading (4-digit) and subheading (6-digit) level for each, by language; how the description-vs-code
 * fit check does (correct codes it flags, wrong codes it catches); and the time of a search in the core
 * and through `GET /v1/hs` (Fastify inject, authentication included).
 *
 * Options: `--set dev|held-out|all` (default all), `--misses` to list the titles whose subheading is
 * not in the top 5.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { parse } from 'csv-parse/sync';
import { buildServer } from '../../src/api/index.ts';
import { converterFromFiles, SAMPLE_NETWORK_FILE } from '../../src/cli/context.ts';
import { readHsIndex, readHsNomenclature } from '../../src/files/hs-files.ts';
import { readNetworkFile } from '../../src/files/index.ts';
import { checkHsFit, type HsIndex, searchHs } from '../../src/hs/index.ts';
import { openStore } from '../../src/store/index.ts';

interface Labelled {
  readonly title: string;
  readonly hs6: string;
  readonly lang: 'en' | 'zh';
}

const args = process.argv.slice(2);
const setArg = args[args.indexOf('--set') + 1];
const which = args.includes('--set') ? setArg : 'all';
const showMisses = args.includes('--misses');

function readSet(name: string): Labelled[] {
  const text = readFileSync(new URL(`./titles-${name}.csv`, import.meta.url), 'utf8');
  return parse(text, { columns: true }) as Labelled[];
}

interface Tally {
  n: number;
  sub1: number;
  sub5: number;
  head1: number;
  head5: number;
}

function evaluate(index: HsIndex, rows: readonly Labelled[], label: string): Tally {
  const t: Tally = { n: 0, sub1: 0, sub5: 0, head1: 0, head5: 0 };
  const misses: string[] = [];
  for (const r of rows) {
    const subs = searchHs(index, r.title, { limit: 5 }).results.map((x) => x.code);
    const heads = searchHs(index, r.title, { limit: 5, level: 4 }).results.map((x) => x.code);
    t.n += 1;
    if (subs[0] === r.hs6) t.sub1 += 1;
    if (subs.includes(r.hs6)) t.sub5 += 1;
    else misses.push(`  ${r.hs6}  got ${subs.slice(0, 3).join(' ') || '-'}  ${r.title}`);
    if (subs[0]?.slice(0, 4) === r.hs6.slice(0, 4)) t.head1 += 1;
    if (heads.includes(r.hs6.slice(0, 4))) t.head5 += 1;
  }
  if (showMisses && misses.length > 0) console.log(`${label}: not in the top 5\n${misses.join('\n')}`);
  return t;
}

const pct = (a: number, n: number) => (n === 0 ? '  -  ' : `${((100 * a) / n).toFixed(1).padStart(5)} %`);

function row(label: string, t: Tally): string {
  return `${label.padEnd(22)} ${String(t.n).padStart(4)}   ${pct(t.head1, t.n)}  ${pct(t.head5, t.n)}   ${pct(t.sub1, t.n)}  ${pct(t.sub5, t.n)}`;
}

function fitFigures(index: HsIndex, rows: readonly Labelled[]) {
  // A wrong code for each title: the label of the title half the set away, when its heading differs.
  let right = 0;
  let rightFlagged = 0;
  let rightVague = 0;
  let wrong = 0;
  let wrongCaught = 0;
  rows.forEach((r, i) => {
    const f = checkHsFit(index, r.title, r.hs6);
    right += 1;
    if (f.verdict !== 'fits') rightFlagged += 1;
    if (f.verdict === 'vague') rightVague += 1;
    const other = rows[(i + Math.floor(rows.length / 2)) % rows.length]!;
    if (other.hs6.slice(0, 4) === r.hs6.slice(0, 4)) return;
    wrong += 1;
    if (checkHsFit(index, r.title, other.hs6).verdict !== 'fits') wrongCaught += 1;
  });
  return { right, rightFlagged, rightVague, wrong, wrongCaught };
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

async function main(): Promise<void> {
  const started = performance.now();
  const nomenclature = readHsNomenclature();
  const index = readHsIndex(nomenclature);
  const buildMs = performance.now() - started;

  const sets: [string, Labelled[]][] =
    which === 'dev'
      ? [['dev', readSet('dev')]]
      : which === 'held-out'
        ? [['held-out', readSet('held-out')]]
        : [
            ['dev', readSet('dev')],
            ['held-out', readSet('held-out')],
          ];

  console.log(
    `HS classifier on labelled titles (HS 2022, ${index.docs.length} subheadings; keyword table ${index.keywords.entries.length} entries)`,
  );
  console.log(`${'set'.padEnd(22)} ${'n'.padStart(4)}   heading top-1 top-5   subheading top-1 top-5`);
  for (const [name, rows] of sets) {
    console.log(row(name, evaluate(index, rows, name)));
    for (const lang of ['en', 'zh'] as const) {
      const part = rows.filter((r) => r.lang === lang);
      console.log(
        row(`  ${name} ${lang === 'en' ? 'English' : 'Chinese'}`, evaluate(index, part, `${name} ${lang}`)),
      );
    }
  }
  if (sets.length > 1)
    console.log(
      row(
        'all',
        evaluate(
          index,
          sets.flatMap(([, r]) => r),
          'all',
        ),
      ),
    );

  console.log('\nDescription-vs-code fit check (flags, does not refuse):');
  for (const [name, rows] of sets) {
    const f = fitFigures(index, rows);
    console.log(
      `  ${name.padEnd(9)} right codes flagged ${pct(f.rightFlagged, f.right)} (${f.rightFlagged}/${f.right}, ${f.rightVague} as vague); ` +
        `wrong codes caught ${pct(f.wrongCaught, f.wrong)} (${f.wrongCaught}/${f.wrong})`,
    );
  }

  // Speed: the core, then GET /v1/hs end to end through Fastify (authentication included).
  const all = sets.flatMap(([, r]) => r);
  const coreTimes: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const r of all) {
      const t0 = performance.now();
      searchHs(index, r.title, { limit: 10 });
      coreTimes.push(performance.now() - t0);
    }
  }
  coreTimes.sort((a, b) => a - b);

  const store = await openStore('sqlite::memory:');
  const app = await buildServer({
    store,
    network: readNetworkFile(SAMPLE_NETWORK_FILE),
    fx: converterFromFiles(),
    hsIndex: index,
  });
  const key = await store.apiKeys.create({ role: 'operator', label: 'bench' });
  const apiTimes: number[] = [];
  for (const r of all) {
    const t0 = performance.now();
    const res = await app.inject({
      method: 'GET',
      url: `/v1/hs?q=${encodeURIComponent(r.title)}&limit=10`,
      headers: { authorization: `Bearer ${key.key}` },
    });
    apiTimes.push(performance.now() - t0);
    if (res.statusCode !== 200) throw new Error(`GET /v1/hs answered ${res.statusCode}: ${res.body}`);
  }
  apiTimes.sort((a, b) => a - b);
  await app.close();
  await store.close();

  console.log(
    `\nSpeed: load and index ${buildMs.toFixed(0)} ms; search in the core p50 ${quantile(coreTimes, 0.5).toFixed(3)} ms, p99 ${quantile(coreTimes, 0.99).toFixed(3)} ms; ` +
      `GET /v1/hs (inject) p50 ${quantile(apiTimes, 0.5).toFixed(2)} ms, p99 ${quantile(apiTimes, 0.99).toFixed(2)} ms`,
  );
  console.log(
    `Machine: ${availableParallelism()} cores, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (shared with other work)`,
  );
}

await main();
