/**
 * `npm run bench:customs -- [--parcels N] [--e2e-parcels M]`:
 * 1. CEB603 export lists for N generated parcels (default 100,000): declarations built from the hub's
 *    data, matched, written as messages of 100 lists, and every message validated against the official
 *    202205 XSD by xmllint (two processes, in batches) — the figure of the target (≤ 30 s).
 *    The same for the orders, payment receipts and waybills (CEB303/403/505), printed beside it.
 * 2. What the operator waits for: `landbridge customs send` of one departure of M parcels (default 5,000)
 *    end to end in process (store reads, matching, signing, XSD validation, staging, one transaction,
 *    release into the out folder), then the test responder's receipts taken in.
 * Prints the machine's load beside the figures: the development machine is shared.
 */
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_NETWORK_FILE } from '../src/cli/context.ts';
import {
  buildDeclaration,
  conveyanceOf,
  deriveSellerProfile,
  listMessages,
  matchDeclaration,
  orderMessages,
  paymentMessages,
  sampleHubProfile,
  waybillMessages,
} from '../src/customs/index.ts';
import { ParcelInputSchema } from '../src/domain/index.ts';
import { fileDeparture } from '../src/eport/filing.ts';
import { exchangeFolders } from '../src/eport/folders.ts';
import { ephemeralSigner } from '../src/eport/signer.ts';
import { TestCustomsResponder } from '../src/eport/test-responder.ts';
import { validateXml } from '../src/eport/xsd.ts';
import { readCountryCodes, readNetworkFile } from '../src/files/index.ts';
import { generateParcels } from '../src/generate/index.ts';
import { runCustomsExchange } from '../src/jobs/index.ts';
import { customsHub } from '../test/fixtures/customs-hub.ts';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) || dflt : dflt;
};
const n = opt('--parcels', 100_000);
const e2e = opt('--e2e-parcels', 5_000);
const s = (ms: number) => (ms / 1000).toFixed(2);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

const network = readNetworkFile(SAMPLE_NETWORK_FILE);
const hub = sampleHubProfile(network.hub);
const countries = readCountryCodes();
const codes = { country: (a2: string) => countries.get(a2) };
const conveyance = conveyanceOf(
  {
    id: 'cre-duisburg-ala@2026-12-03T09:00',
    serviceId: 'cre-duisburg-ala',
    departAt: '2026-12-03T09:00:00+08:00',
  },
  network,
  hub,
)!;

console.log(
  `bench:customs — ${n.toLocaleString('en')} parcels; load average before: ${load()} (2 cores, shared machine)`,
);
const tg = performance.now();
const g = generateParcels({ count: n, seed: 7, from: '2026-12-01', days: 1 });
const sellers = new Map(g.sellers.map((x) => [x.id, x]));
const parcels = g.parcels.map((raw, i) => {
  const { readyAt, ...p } = ParcelInputSchema.parse(raw);
  return {
    ...p,
    id: `P${i}`,
    sellerId: raw.sellerId,
    readyAtMs: Date.parse(readyAt ?? '2026-12-01T10:00:00+08:00'),
  };
});
console.log(`  generate ${n.toLocaleString('en')} parcels (not timed below): ${s(performance.now() - tg)} s`);

/**
 * Builds, matches and writes the messages of `make` chunk by chunk (2,000 parcels: 20 messages of 100)
 * and validates each chunk with xmllint while the next is built — two xmllint processes at most in
 * flight, so JavaScript and libxml2 use both cores and memory stays flat.
 */
async function pipeline(
  make: (decls: ReturnType<typeof buildDeclaration>[]) => { guid: string; xml: string }[],
) {
  const profiles = new Map<string, ReturnType<typeof deriveSellerProfile>>();
  const inFlight = new Set<Promise<void>>();
  let messages = 0;
  let bytes = 0;
  let invalid = 0;
  let mismatched = 0;
  let buildMs = 0;
  const CHUNK = 2_000;
  for (let start = 0; start < parcels.length; start += CHUNK) {
    const tb = performance.now();
    const decls = parcels.slice(start, start + CHUNK).map((parcel, i) => {
      let seller = profiles.get(parcel.sellerId);
      if (!seller) {
        seller = deriveSellerProfile(sellers.get(parcel.sellerId)!, parcel.externalOrderId);
        profiles.set(parcel.sellerId, seller);
      }
      return buildDeclaration({
        parcel,
        seller,
        hub,
        conveyance,
        codes,
        containerId: `LBXU${String((start + i) % 97).padStart(7, '0')}`,
      });
    });
    for (const d of decls) if (!matchDeclaration(d).ok) mismatched++;
    const out = make(decls);
    buildMs += performance.now() - tb;
    messages += out.length;
    for (const m of out) bytes += m.xml.length;
    while (inFlight.size >= 2) await Promise.race(inFlight);
    const p = validateXml(
      out.map((m) => ({ name: m.guid, xml: m.xml })),
      undefined,
      1,
    ).then((v) => {
      invalid += v.filter((x) => !x.valid).length;
      inFlight.delete(p);
    });
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  return { messages, mb: bytes / 1e6, invalid, mismatched, buildMs };
}

const ctx = { hub, nowMs: Date.parse('2026-12-02T08:00:00Z') };
const t0 = performance.now();
const lists = await pipeline((decls) => listMessages(decls, ctx));
const t1 = performance.now();
console.log(
  `  CEB603 lists: ${lists.messages} messages (${lists.mb.toFixed(0)} MB), built, matched and written (${s(lists.buildMs)} s of JavaScript) and XSD-validated by xmllint alongside: ` +
    `**${s(t1 - t0)} s** for ${n.toLocaleString('en')} lists (target ≤ 30 s); ${lists.invalid} invalid, ${lists.mismatched} mismatched; load ${load()}`,
);
const t2 = performance.now();
const others = await pipeline((decls) => [
  ...orderMessages(decls, ctx),
  ...paymentMessages(decls, ctx),
  ...waybillMessages(decls, ctx),
]);
const t3 = performance.now();
console.log(
  `  CEB303/403/505 orders, payments, waybills: ${others.messages} messages (${others.mb.toFixed(0)} MB) in ${s(t3 - t2)} s; ${others.invalid} invalid; load ${load()}`,
);

// 2. End to end: one departure of `e2e` parcels through the store and the folder exchange.
const dir = mkdtempSync(join(tmpdir(), 'lb-bench-customs-'));
try {
  const h = await customsHub(e2e, `sqlite:${join(dir, 'bench.db')}`);
  const t6 = performance.now();
  const r = await fileDeparture(
    { ...h.filing, signer: ephemeralSigner() },
    'cre-duisburg-ala@2026-12-03T09:00',
  );
  const t7 = performance.now();
  const responder = new TestCustomsResponder(h.filing.folders, {}, () => h.clock.ms);
  await responder.respond();
  const t8 = performance.now();
  const intake = await runCustomsExchange({
    store: h.store,
    hubId: 'xiyong-hub',
    folders: h.filing.folders,
    nowMs: () => h.clock.ms,
  });
  const t9 = performance.now();
  console.log(
    `  end to end, one departure of ${e2e.toLocaleString('en')} parcels: file (match, sign, XSD-validate, stage, commit, release) ${s(t7 - t6)} s for ${r.messages.length} messages; ` +
      `test responder ${s(t8 - t7)} s; receipts taken in ${s(t9 - t8)} s (${intake.processed} files, ${intake.changes.length} status changes); load ${load()}`,
  );
  await h.store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `  node ${process.version}; ${execSync('xmllint --version 2>&1 | head -1').toString().trim()}; uptime: ${execSync('uptime').toString().trim()}`,
);
