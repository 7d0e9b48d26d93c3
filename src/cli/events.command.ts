import type { Command } from 'commander';
import { LandbridgeError } from '../domain/index.ts';
import { readEventFile } from '../files/index.ts';
import { recordEvents } from '../journey/index.ts';
import { commandDescription } from './commands.ts';
import { activeNetwork, withStore } from './context.ts';
import { say } from './printable.ts';
import { action } from './run.ts';

/** Events from a file are one batch however long: all or nothing. */
const MAX_FILE_EVENTS = 1_000_000;

export function eventsCommands(program: Command): void {
  const events = program.command('events').description(commandDescription('events'));

  events
    .command('import')
    .description(
      'Record tracking events from a CSV or JSON file, all or nothing (exit 2 and nothing written on any bad row)',
    )
    .argument('<file>', 'event file (.csv: a row an event, see EVENT_CSV_COLUMNS; .json: an array of events)')
    .action(
      action(async (file: string) => {
        const started = performance.now();
        const read = readEventFile(file);
        if (read.problems.length > 0)
          throw new LandbridgeError(
            'invalid-input',
            `${file}: ${read.problems.length} problem(s); nothing was recorded`,
            read.problems,
          );
        await withStore(async (store) => {
          const network = await activeNetwork(store);
          const result = await recordEvents(store, read.inputs, {
            hubId: network.hub,
            network,
            actor: { role: 'operator' },
            nowMs: Date.now(),
            file,
            rows: read.rows,
            maxBatch: MAX_FILE_EVENTS,
          });
          const seconds = (performance.now() - started) / 1000;
          say(
            `recorded ${result.recorded} events from ${file} in ${seconds.toFixed(2)} s` +
              ` (${result.replaced} replaced, ${result.retracted} retracted, ${result.duplicates} already recorded;` +
              ` ${result.parcelsChanged.length} parcels moved, ${result.exceptions.length} exceptions, ${result.webhooksQueued} webhooks queued)`,
          );
          for (const x of result.exceptions.slice(0, 20))
            say(`  exception: row ${x.row} (${x.eventId}): ${x.why}`);
        });
      }),
    );
}
