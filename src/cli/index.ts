/**
 * The `landbridge` command. Every command has --help; long work draws a progress bar on a terminal
 * and stays quiet in pipes; bad input exits 2 with one line per problem.
 *
 * Only the module of the command being run is loaded; the others are listed from `commands.ts`.
 */
import { Command, Help } from 'commander';
import { COMMANDS, commandOf, loadCommandModule } from './commands.ts';

/**
 * The program for a command line (`argv` as `process.argv`): the command it runs, loaded with the other
 * commands of its module, and every other command as a name and a description for `--help`.
 */
export async function buildProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command('landbridge')
    .description(
      'Landbridge: the cross-border e-commerce export hub (Chongqing sample). Store: $DATABASE_URL, default ./landbridge.db',
    )
    .version('0.1.0')
    .showHelpAfterError();
  const chosen = commandOf(argv.slice(2))?.module;
  const register = chosen === undefined ? undefined : await loadCommandModule(chosen);
  const listedTerms = new Map<Command, string>();
  let registered = false;
  for (const c of COMMANDS) {
    if (c.module !== chosen) {
      const listed = program.command(c.name).description(c.description);
      listed.allowUnknownOption().allowExcessArguments();
      listed.action(() => {
        throw new Error(`landbridge ${c.name} ran without its module loaded`);
      });
      listedTerms.set(listed, c.term);
    } else if (register && !registered) {
      registered = true;
      register(program);
    }
  }
  const help = new Help();
  program.configureHelp({ subcommandTerm: (cmd) => listedTerms.get(cmd) ?? help.subcommandTerm(cmd) });
  return program;
}

export async function runCli(argv: readonly string[]): Promise<void> {
  await (await buildProgram(argv)).parseAsync([...argv]);
}
