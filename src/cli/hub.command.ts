import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { LandbridgeError, type Network, type Problem } from '../domain/index.ts';
import { readTrackingData } from '../files/index.ts';
import {
  adoptPlan,
  applyDisruption,
  calibrationReport,
  confirmDeparture,
  EXCEPTION_KINDS,
  type ExceptionKind,
  exceptionQueue,
  loadDeparture,
  parcelJourney,
  type ReceivingScan,
  receiveParcels,
  recomputeEta,
  refreshEta,
  simulateHub,
  trackPublic,
} from '../journey/index.ts';
import { prepareSampleMonth } from '../sample/index.ts';
import type { Store } from '../store/index.ts';
import { pickLanguage } from '../tracking/index.ts';
import { commandDescription } from './commands.ts';
import { activeNetwork, converterFromFiles, withStore } from './context.ts';
import { action, intOption } from './run.ts';

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

/** Reads a receiving CSV: `parcel_id` or `tracking_number`, `weight_g`, optional `length_mm`, `width_mm`, `height_mm`, `at`. */
function readScans(file: string): ReceivingScan[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(readFileSync(file, 'utf8'), {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
    });
  } catch (e) {
    throw new LandbridgeError('invalid-input', `cannot read ${file}`, [
      { where: { file }, why: (e as Error).message },
    ]);
  }
  const problems: Problem[] = [];
  const scans = rows.map((r, i): ReceivingScan => {
    const row = i + 2;
    const num = (field: string, required: boolean) => {
      const v = r[field];
      if (v === undefined || v === '') {
        if (required) problems.push({ where: { file, row, field }, why: 'required' });
        return undefined;
      }
      if (!/^\d+$/.test(v) || Number(v) < 1) {
        problems.push({ where: { file, row, field }, why: `must be a whole number ≥ 1, got "${v}"` });
        return undefined;
      }
      return Number(v);
    };
    const weightG = num('weight_g', true) ?? 1;
    const l = num('length_mm', false);
    const w = num('width_mm', false);
    const h = num('height_mm', false);
    return {
      ...(r.parcel_id ? { parcelId: r.parcel_id } : {}),
      ...(r.tracking_number ? { trackingNumber: r.tracking_number } : {}),
      weightG,
      ...(l !== undefined ? { lengthMm: l } : {}),
      ...(w !== undefined ? { widthMm: w } : {}),
      ...(h !== undefined ? { heightMm: h } : {}),
      ...(r.at ? { at: r.at } : {}),
    };
  });
  if (problems.length > 0)
    throw new LandbridgeError('invalid-input', `${file}: bad scans; nothing was recorded`, problems);
  return scans;
}

/** `landbridge hub …`: the hub's own actions and views, as the operator. `landbridge track`. */
export function hubCommands(program: Command): void {
  const hub = program.command('hub').description(commandDescription('hub'));
  const ctx = <T>(fn: (store: Store, network: Network) => Promise<T>) =>
    withStore(async (store) => fn(store, await activeNetwork(store)));

  hub
    .command('receive')
    .description(
      'Receiving scans from a CSV (parcel_id or tracking_number, weight_g, length_mm, width_mm, height_mm, at): HUB_RECEIVED and the re-weigh audit',
    )
    .argument('<file>', 'CSV of scans')
    .action(
      action(async (file: string) => {
        const scans = readScans(file);
        await ctx(async (store, network) => {
          const { result, reweigh } = await receiveParcels(store, scans, {
            hubId: network.hub,
            network,
            nowMs: Date.now(),
          });
          console.log(`received ${result.recorded} parcels (${result.duplicates} already received)`);
          const flagged = reweigh.filter((r) => r.flagged);
          console.log(`re-weigh: ${flagged.length} of ${reweigh.length} beyond the tolerance`);
          for (const r of flagged)
            console.log(
              `  ${r.trackingNumber}  declared ${r.declaredWeightG} g  measured ${r.measuredWeightG} g  (${r.deltaG >= 0 ? '+' : ''}${r.deltaG} g)`,
            );
        });
      }),
    );

  hub
    .command('adopt')
    .description('Run the hub by a finished plan (routes for the ETA, departures and containers to operate)')
    .argument('<plan-id>')
    .action(
      action(async (planId: string) =>
        ctx(async (store, network) => {
          const nowMs = Date.now();
          const a = await adoptPlan(store, { hubId: network.hub, network, planId, nowMs, cause: 'operator' });
          const eta = await recomputeEta(store, {
            hubId: network.hub,
            network,
            nowMs,
            defaults: readTrackingData().durations,
          });
          console.log(
            `adopted plan ${a.planId}: ${a.parcels} parcels on ${a.routes} routes, ${a.departures} departures, ${a.containers} containers; ETA set for ${eta.parcels} parcels`,
          );
        }),
      ),
    );

  hub
    .command('load')
    .description("Close and load a departure's containers from the adopted plan")
    .argument('<departure-id>', 'e.g. cre-duisburg-ala@2026-12-03T10:00')
    .option('--plan <id>', 'a plan other than the adopted one')
    .action(
      action(async (departureId: string, opts: { plan?: string }) =>
        ctx(async (store, network) => {
          const out = await loadDeparture(store, departureId, {
            hubId: network.hub,
            network,
            nowMs: Date.now(),
            ...(opts.plan ? { planId: opts.plan } : {}),
          });
          console.log(
            `loaded ${out.consolidated} parcels into ${out.containers.length} containers for ${departureId}; ${out.skipped.length} planned parcels not ready`,
          );
          for (const s of out.skipped.slice(0, 20)) console.log(`  skipped ${s.parcelId}: ${s.why}`);
        }),
      ),
    );

  hub
    .command('depart')
    .description('Confirm a departure: its loaded containers depart, and every parcel inside')
    .argument('<departure-id>')
    .option('--at <instant>', 'when it left (ISO 8601 with offset); now by default')
    .action(
      action(async (departureId: string, opts: { at?: string }) =>
        ctx(async (store, network) => {
          const nowMs = Date.now();
          const out = await confirmDeparture(store, departureId, {
            hubId: network.hub,
            network,
            nowMs,
            ...(opts.at ? { at: opts.at } : {}),
          });
          const eta = await refreshEta(store, {
            hubId: network.hub,
            network,
            nowMs,
            defaults: readTrackingData().durations,
            parcelIds: out.result.parcelsChanged,
            notify: { stamp: String(nowMs), causeEventId: `departed:${departureId}` },
          });
          console.log(
            `${departureId} departed: ${out.containers} containers, ${out.result.parcelsChanged.length} parcels; ${eta?.webhooksQueued ?? 0} ETA webhooks queued`,
          );
        }),
      ),
    );

  hub
    .command('disrupt')
    .description('The disruption loop in one step: ETA of every affected parcel, webhooks, and a re-plan')
    .option('--departure <id>', 'a dated departure')
    .option('--node <id>', 'a node of the network')
    .option('--delay-minutes <n>', 'how long it is delayed')
    .option('--estimated <instant>', 'a departure: when it is now expected to leave')
    .option('--closed', 'cancelled (a departure) or closed (a node, from–to)')
    .option('--from <instant>')
    .option('--to <instant>')
    .requiredOption('--reason <text>')
    .option('--no-replan', "do not queue the planner's re-plan")
    .action(
      action(
        async (opts: {
          departure?: string;
          node?: string;
          delayMinutes?: string;
          estimated?: string;
          closed?: boolean;
          from?: string;
          to?: string;
          reason: string;
          replan: boolean;
        }) =>
          ctx(async (store, network) => {
            const out = await applyDisruption(
              store,
              {
                ...(opts.departure ? { departureId: opts.departure } : {}),
                ...(opts.node ? { nodeId: opts.node } : {}),
                effect: opts.closed ? 'closed' : 'delayed',
                ...(opts.delayMinutes
                  ? { delayMinutes: intOption(opts.delayMinutes, '--delay-minutes', 1) }
                  : {}),
                ...(opts.estimated ? { estimatedDeparture: opts.estimated } : {}),
                ...(opts.from ? { from: opts.from } : {}),
                ...(opts.to ? { to: opts.to } : {}),
                reason: opts.reason,
                replan: opts.replan,
              },
              { hubId: network.hub, network, nowMs: Date.now(), defaults: readTrackingData().durations },
            );
            console.log(
              `disruption applied in ${out.ms} ms: ${out.departures.length} departures, ${out.parcelsAffected} parcels; ETA of ${out.eta.parcels} parcels recomputed; ${out.webhooksQueued} webhooks queued; re-plan ${out.replanId ?? 'not queued'}`,
            );
          }),
      ),
    );

  hub
    .command('exceptions')
    .description("The operator's exceptions queue")
    .option('--kind <kind>', EXCEPTION_KINDS.join(' | '))
    .option('--limit <n>', 'items shown', '50')
    .action(
      action(async (opts: { kind?: string; limit: string }) => {
        if (opts.kind !== undefined && !(EXCEPTION_KINDS as readonly string[]).includes(opts.kind))
          throw new LandbridgeError('invalid-input', `--kind must be one of ${EXCEPTION_KINDS.join(', ')}`);
        await ctx(async (store, network) => {
          const q = await exceptionQueue(store, network.hub, {
            nowMs: Date.now(),
            limit: intOption(opts.limit, '--limit', 1),
            ...(opts.kind ? { kind: opts.kind as ExceptionKind } : {}),
          });
          console.log(
            Object.entries(q.counts)
              .map(([k, n]) => `${k} ${n}`)
              .join('  '),
          );
          for (const i of q.items)
            console.log(
              `  ${i.kind.padEnd(18)} ${i.since.slice(0, 16)}  ${i.trackingNumber ?? i.departureId}  ${i.detail}`,
            );
        });
      }),
    );

  hub
    .command('calibration')
    .description(
      'ETA calibration: how often deliveries landed inside the P10–P90 window published at departure',
    )
    .option('--days <n>', 'deliveries of the last n days', '90')
    .action(
      action(async (opts: { days: string }) =>
        ctx(async (store, network) => {
          const r = await calibrationReport(store, network.hub, {
            nowMs: Date.now(),
            days: intOption(opts.days, '--days', 1),
          });
          const line = (name: string, c: typeof r.overall) =>
            console.log(
              `${name.padEnd(14)} ${String(c.delivered).padStart(7)} delivered  inside ${pct(c.coverage)} (nominal 80 %)  early ${c.early}  late ${c.late}${c.suggestedWidthFactor !== null ? `  width ×${c.suggestedWidthFactor}` : ''}`,
            );
          line('all', r.overall);
          for (const g of r.byGateway) line(g.gateway, g);
        }),
      ),
    );

  program
    .command('simulate')
    .description(commandDescription('simulate'))
    .option('--plan <id>', 'the plan to run (adopted first); the adopted one by default')
    .option(
      '--month',
      "the sample hub's last 30 days: generated parcels on quoted itineraries, then simulated",
    )
    .option('--seed <text>', 'seed of the draws', 'landbridge')
    .action(
      action(async (opts: { plan?: string; month?: boolean; seed: string }) =>
        ctx(async (store, network) => {
          const defaults = readTrackingData().durations;
          const r = opts.month
            ? await prepareSampleMonth(store, {
                network,
                fx: converterFromFiles(),
                defaults,
                nowMs: Date.now(),
              })
            : await simulateHub(store, {
                hubId: network.hub,
                network,
                defaults,
                nowMs: Date.now(),
                seed: opts.seed,
                ...(opts.plan ? { planId: opts.plan } : {}),
              });
          if (!r) console.log('the sample month is simulated already');
          else {
            console.log(
              `simulated plan ${r.planId}: ${r.parcels} parcels, ${r.events} events recorded (marked simulated) in ${(r.ms / 1000).toFixed(1)} s`,
            );
            const c = r.calibration;
            console.log(
              c.coverage === null
                ? 'ETA calibration: no delivery yet to judge the windows by'
                : `ETA calibration: ${(c.coverage * 100).toFixed(1)} % of ${c.delivered} deliveries inside the P10–P90 window published at departure (nominal 80 %); early ${c.early}, late ${c.late}${c.suggestedWidthFactor !== null ? `; width ×${c.suggestedWidthFactor} would cover 80 %` : ''}`,
            );
          }
        }),
      ),
    );

  program
    .command('track')
    .description(commandDescription('track'))
    .argument('<number>')
    .option('--lang <tag>', 'en, zh-CN, ru, pl, de', 'en')
    .action(
      action(async (number: string, opts: { lang: string }) =>
        ctx(async (store, network) => {
          const v = await trackPublic(
            store,
            network.hub,
            number,
            pickLanguage(opts.lang),
            readTrackingData(),
          );
          console.log(`${v.number}  ${v.statusLabel}  → ${v.destinationCountry}`);
          if (v.eta)
            console.log(
              `  ${v.eta.label}: ${v.eta.earliest.slice(0, 10)} – ${v.eta.latest.slice(0, 10)} (likely ${v.eta.likely.slice(0, 10)})`,
            );
          for (const m of v.milestones)
            console.log(
              `  ${m.at}  ${m.label}${m.place ? `  ${[m.place.city, m.place.country].filter(Boolean).join(', ')}` : ''}`,
            );
        }),
      ),
    );

  program
    .command('journey')
    .description(commandDescription('journey'))
    .argument('<parcel-id>')
    .action(
      action(async (parcelId: string) =>
        ctx(async (store, network) => {
          console.log(JSON.stringify(await parcelJourney(store, network.hub, parcelId), null, 2));
        }),
      ),
    );
}
