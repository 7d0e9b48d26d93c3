/** `npm start`: the API with the sample Chongqing hub (migrate, load network, seed, print demo keys, serve). */
import { runCli } from './cli/index.ts';

await runCli([process.argv[0]!, 'landbridge', 'serve', '--sample', ...process.argv.slice(2)]);
