import { Command, Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, type CommandModule, commandOf, loadCommandModule } from './commands.ts';
import { buildProgram } from './index.ts';

const modules = [...new Set(COMMANDS.map((c) => c.module))];
const help = new Help();
const terms = (program: Command) => program.commands.map((c) => help.subcommandTerm(c));

describe('the command registry', () => {
  it.each(modules)(
    'lists what the %s module registers: the same commands, terms and descriptions',
    async (m) => {
      const program = new Command('landbridge');
      (await loadCommandModule(m))(program);
      const listed = COMMANDS.filter((c) => c.module === m);
      expect(terms(program)).toEqual(listed.map((c) => c.term));
      expect(program.commands.map((c) => c.description())).toEqual(listed.map((c) => c.description));
    },
  );

  it("keeps a module's commands together, so help lists them in the registry's order", () => {
    const runs = COMMANDS.map((c) => c.module).filter((m, i, all) => m !== all[i - 1]);
    expect(runs).toEqual(modules);
  });

  it('picks the command a command line runs, and none for help or an unknown name', () => {
    const pick = (...args: string[]) => commandOf(args)?.name;
    expect(pick('parcels', 'list', '--limit', '5')).toBe('parcels');
    expect(pick('track', '--lang', 'zh', 'LB123')).toBe('track');
    expect(pick('help', 'landed-cost')).toBe('landed-cost');
    expect(pick('--help')).toBeUndefined();
    expect(pick('help')).toBeUndefined();
    expect(pick('parcel')).toBeUndefined();
    expect(pick()).toBeUndefined();
  });
});

describe('buildProgram', () => {
  const all = async (): Promise<Command> => {
    const program = new Command('landbridge');
    for (const m of modules) (await loadCommandModule(m as CommandModule))(program);
    return program;
  };

  it('lists every command for --help as the fully loaded program does, loading none', async () => {
    const program = await buildProgram(['node', 'landbridge', '--help']);
    expect(program.commands.map((c) => program.createHelp().subcommandTerm(c))).toEqual(terms(await all()));
    expect(program.commands.every((c) => c.commands.length === 0)).toBe(true);
  });

  it('loads the module of the command run, in its place, and only that one', async () => {
    const program = await buildProgram(['node', 'landbridge', 'journey', 'x']);
    const loaded = program.commands.filter((c) => c.commands.length > 0).map((c) => c.name());
    expect(loaded).toEqual(['hub']);
    expect(program.commands.map((c) => program.createHelp().subcommandTerm(c))).toEqual(terms(await all()));
  });
});
