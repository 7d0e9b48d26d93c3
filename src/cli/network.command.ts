import type { Command } from 'commander';
import { isCalendarDate, LandbridgeError, MAX_YEAR, MIN_YEAR } from '../domain/index.ts';
import { readNetworkFile } from '../files/index.ts';
import { expandDepartures, toLocalIso } from '../network/index.ts';
import { commandDescription } from './commands.ts';
import { activeNetwork, SAMPLE_NETWORK_FILE, withStore } from './context.ts';
import { action } from './run.ts';

export function networkCommands(program: Command): void {
  const network = program.command('network').description(commandDescription('network'));

  network
    .command('check')
    .description('Check a network file (schema and cross-references) without loading it')
    .argument('[file]', 'network YAML file', SAMPLE_NETWORK_FILE)
    .action(
      action((file: string) => {
        const n = readNetworkFile(file);
        console.log(
          `${file}: valid — ${n.nodes.length} nodes, ${n.services.length} services, ` +
            `${new Set(n.services.map((s) => s.corridor)).size} corridors, ${new Set(n.lastMile.map((z) => z.country)).size} last-mile countries`,
        );
      }),
    );

  network
    .command('load')
    .description('Save a network file as a new version in the store and make it the one in force')
    .argument('[file]', 'network YAML file', SAMPLE_NETWORK_FILE)
    .action(
      action(async (file: string) => {
        const n = readNetworkFile(file);
        await withStore(async (store) => {
          const v = await store.networkVersions.save(n, { activate: true });
          console.log(`network ${n.id} version ${n.version} saved as ${v.id} and activated`);
        });
      }),
    );

  network
    .command('show')
    .description('Summarise the network in force')
    .option('--json', 'print the whole network as JSON')
    .action(
      action(async (opts: { json?: boolean }) => {
        await withStore(async (store) => {
          const n = await activeNetwork(store);
          if (opts.json) {
            console.log(JSON.stringify(n, null, 2));
            return;
          }
          console.log(`${n.name} (${n.id}, version ${n.version}), hub ${n.hub}`);
          for (const s of n.services) {
            const path = [s.legs[0]!.from, ...s.legs.map((l) => l.to)].join(' → ');
            console.log(
              `  ${s.corridor.padEnd(10)} ${s.id.padEnd(36)} ${s.schedule.days.join(',')} ${s.schedule.times.join(',')}  ${path}`,
            );
          }
        });
      }),
    );

  program
    .command('departures')
    .description(commandDescription('departures'))
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'day after the last, YYYY-MM-DD')
    .option('--service <id>', 'only this service')
    .option('--json', 'JSON lines instead of a table')
    .action(
      action(async (opts: { from: string; to: string; service?: string; json?: boolean }) => {
        await withStore(async (store) => {
          const n = await activeNetwork(store);
          const zones = new Map(n.nodes.map((node) => [node.id, node.zone]));
          const hubZone = zones.get(n.hub) ?? 'UTC';
          const midnight = (date: string, field: string) => {
            if (!isCalendarDate(date))
              throw new LandbridgeError(
                'invalid-input',
                `--${field} must be a real date YYYY-MM-DD between ${MIN_YEAR} and ${MAX_YEAR}, got "${date}"`,
              );
            const probe = Date.parse(`${date}T00:00:00Z`);
            return Date.parse(`${date}T00:00:00${toLocalIso(probe, hubZone).slice(19)}`);
          };
          const fromMs = midnight(opts.from, 'from');
          const toMs = midnight(opts.to, 'to');
          if (toMs <= fromMs || toMs - fromMs > 400 * 86_400_000)
            throw new LandbridgeError('invalid-input', '--to must be after --from, by at most 400 days');
          const deps = expandDepartures(n, fromMs, toMs).filter(
            (d) => !opts.service || d.serviceId === opts.service,
          );
          for (const d of deps) {
            const row = {
              id: d.id,
              departAt: toLocalIso(d.departAtMs, zones.get(d.origin)!),
              arriveAt: toLocalIso(d.arriveAtMs, zones.get(d.destination)!),
              origin: d.origin,
              destination: d.destination,
            };
            console.log(
              opts.json
                ? JSON.stringify(row)
                : `${row.departAt}  ${row.id.padEnd(48)} → ${row.destination.padEnd(20)} ${row.arriveAt}`,
            );
          }
          if (!opts.json) console.error(`${deps.length} departures`);
        });
      }),
    );
}
