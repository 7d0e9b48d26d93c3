/**
 * The `landbridge` commands as `landbridge --help` lists them, and the module that defines each one.
 *
 * Light on purpose: it imports no command module. `runCli` loads only the module of the command being
 * run (each pulls in the store, the planner, customs, the API… through tsx, seconds of start-up), and
 * lists the others from here.
 */
import type { Command } from 'commander';

/** Adds a module's commands to the program. */
export type Registrar = (program: Command) => void;

/** The command modules, each loaded on first use. */
const MODULES = {
  serve: async () => (await import('./serve.command.ts')).serveCommand,
  worker: async () => (await import('./worker.command.ts')).workerCommand,
  network: async () => (await import('./network.command.ts')).networkCommands,
  parcels: async () => (await import('./parcels.command.ts')).parcelsCommands,
  generate: async () => (await import('./generate.command.ts')).generateCommands,
  plan: async () => (await import('./plan.command.ts')).planCommands,
  quote: async () => (await import('./quote.command.ts')).quoteCommands,
  load: async () => (await import('./load.command.ts')).loadCommands,
  admin: async () => (await import('./admin.command.ts')).adminCommands,
  customs: async () => (await import('./customs.command.ts')).customsCommands,
  events: async () => (await import('./events.command.ts')).eventsCommands,
  hub: async () => (await import('./hub.command.ts')).hubCommands,
  hs: async () => (await import('./hs.command.ts')).hsCommands,
  fx: async () => (await import('./fx.command.ts')).fxCommands,
} as const satisfies Record<string, () => Promise<Registrar>>;

/** A module of commands, named for its file (`parcels` is `parcels.command.ts`). */
export type CommandModule = keyof typeof MODULES;

/** One top-level command. */
export interface CommandEntry {
  /** The command's name. */
  readonly name: string;
  /**
   * How `--help` shows it: the name, `[options]` when it has options, then its arguments — what
   * commander derives from the real command (a test holds the two equal).
   */
  readonly term: string;
  readonly description: string;
  /** The module whose registrar adds this command (with the module's other commands). */
  readonly module: CommandModule;
}

const entry = (term: string, module: CommandModule, description: string): CommandEntry => ({
  name: term.split(' ')[0] ?? term,
  term,
  description,
  module,
});

/** Every top-level command, in `--help` order; a module's commands stay together. */
export const COMMANDS: readonly CommandEntry[] = [
  entry(
    'serve [options]',
    'serve',
    'Serve the API on $HOST:$PORT (default 127.0.0.1:8080); migrations run first',
  ),
  entry(
    'worker [options]',
    'worker',
    'Take background jobs (plans, re-plans, customs exchange, …) from pg-boss on $DATABASE_URL (PostgreSQL); run any number',
  ),
  entry('network', 'network', 'The network of corridors: check, load, show'),
  entry(
    'departures [options]',
    'network',
    'List dated departures leaving between two dates (hub time zone), disruptions applied',
  ),
  entry('parcels', 'parcels', 'Parcels held by the hub'),
  entry('generate', 'generate', 'Synthetic data'),
  entry('plan', 'plan', 'Consolidation plans: each parcel on a departure and in a container'),
  entry(
    'quote [options]',
    'quote',
    'Every itinerary worth choosing for a parcel or containers: Pareto set over delivery, cost and CO2e',
  ),
  entry(
    'landed-cost [options]',
    'quote',
    'Duties, VAT/GST and fees at the destination on a date, with the rule set and source behind each amount',
  ),
  entry(
    'load [options]',
    'load',
    '3D load plan: where each box goes in a container (or as few containers as possible), checked independently',
  ),
  entry('sellers', 'admin', 'Marketplace sellers'),
  entry('keys', 'admin', 'API keys (stored hashed; shown once)'),
  entry('migrate', 'admin', 'Apply the store migrations (also done on every start)'),
  entry(
    'customs',
    'customs',
    'China export customs (9610/9710/9810): file departures, match documents, exchange folders ($LANDBRIDGE_CUSTOMS_EXCHANGE_DIR, default ./customs-exchange), receipts, summaries, destination data',
  ),
  entry('events', 'events', "Tracking events: the parcels' and containers' journey"),
  entry('hub', 'hub', "The hub's operations: receiving, loading, departures, disruptions, exceptions"),
  entry(
    'simulate [options]',
    'hub',
    'Run the hub forward from a plan up to now (seeded; moves and stops drawn from data/tracking/durations.yaml) and record the events, marked simulated',
  ),
  entry(
    'track [options] <number>',
    'hub',
    'What anyone sees of a parcel by its number (hub or UPU S10): milestones, places, ETA window',
  ),
  entry(
    'journey <parcel-id>',
    'hub',
    "A parcel's journey as the operator sees it: events, state, ETA, re-weigh (JSON)",
  ),
  entry('hs', 'hs', 'HS 2022 codes: suggest codes for a description, look a code up'),
  entry('fx', 'fx', 'Exchange-rate tables: import the ECB’s files, update online, status, convert'),
];

/** The description of a top-level command, for the module that defines it. */
export function commandDescription(name: string): string {
  const found = COMMANDS.find((c) => c.name === name);
  if (!found) throw new Error(`landbridge ${name} is missing from src/cli/commands.ts`);
  return found.description;
}

/** Loads a module's registrar. */
export function loadCommandModule(module: CommandModule): Promise<Registrar> {
  return MODULES[module]();
}

/**
 * The command a command line runs: its first operand (the program itself takes only flags), or the
 * one after `help`. Undefined for `landbridge`, `landbridge --help` or an unknown name.
 */
export function commandOf(args: readonly string[]): CommandEntry | undefined {
  const operands = args.filter((a) => !a.startsWith('-'));
  const name = operands[0] === 'help' ? operands[1] : operands[0];
  return COMMANDS.find((c) => c.name === name);
}
