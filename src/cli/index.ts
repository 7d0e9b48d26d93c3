/**
 * The `landbridge` command. Every command has --help; long work draws a progress bar on a terminal
 * and stays quiet in pipes; bad input exits 2 with one line per problem.
 */
import { Command } from 'commander';
import { adminCommands } from './admin.command.ts';
import { customsCommands } from './customs.command.ts';
import { eventsCommands } from './events.command.ts';
import { fxCommands } from './fx.command.ts';
import { generateCommands } from './generate.command.ts';
import { hsCommands } from './hs.command.ts';
import { loadCommands } from './load.command.ts';
import { networkCommands } from './network.command.ts';
import { parcelsCommands } from './parcels.command.ts';
import { planCommands } from './plan.command.ts';
import { quoteCommands } from './quote.command.ts';
import { serveCommand } from './serve.command.ts';

export function buildProgram(): Command {
  const program = new Command('landbridge')
    .description(
      'Landbridge: the cross-border e-commerce export hub (Chongqing sample). Store: $DATABASE_URL, default ./landbridge.db',
    )
    .version('0.1.0')
    .showHelpAfterError();
  serveCommand(program);
  networkCommands(program);
  parcelsCommands(program);
  generateCommands(program);
  planCommands(program);
  quoteCommands(program);
  loadCommands(program);
  adminCommands(program);
  customsCommands(program);
  eventsCommands(program);
  hsCommands(program);
  fxCommands(program);
  return program;
}

export async function runCli(argv: readonly string[]): Promise<void> {
  await buildProgram().parseAsync([...argv]);
}
