#!/usr/bin/env node
// The landbridge command: runs the TypeScript sources through tsx.
//
// tsx's hooks run on a thread of their own, and every module loaded after `register()` is a round
// trip to it (~3 ms of CPU each). Kysely (263 files) and Zod (95), plain JavaScript that nearly every
// command needs, are loaded first, past the hooks: a command starts in about half the time. `--help`
// and `--version` alone need neither.
import { register } from 'tsx/esm/api';

if (process.argv.slice(2).some((arg) => !arg.startsWith('-'))) {
  await Promise.all([import('kysely'), import('zod')]);
}
register();
const { runCli } = await import('../src/cli/index.ts');
await runCli(process.argv);
