import type { Command } from 'commander';
import { LandbridgeError } from '../domain/index.ts';
import { shippedHsIndex } from '../files/hs-files.ts';
import { checkHsFit, lookupHs, searchHs } from '../hs/index.ts';
import { commandDescription } from './commands.ts';
import { action, intOption } from './run.ts';

/** `landbridge hs …`: the HS 2022 nomenclature and classification help. */
export function hsCommands(program: Command): void {
  const hs = program.command('hs').description(commandDescription('hs'));

  hs.command('search')
    .description('Suggest HS 2022 codes for a product title or goods description (English or Chinese)')
    .argument('<words...>', 'the description, e.g. "wireless earbuds with charging case" or 蓝牙耳机')
    .option('--limit <n>', 'how many suggestions', '10')
    .option('--level <4|6>', '6: subheadings (default); 4: headings', '6')
    .option('--json', 'print the answer as JSON')
    .action(
      action((words: string[], opts: { limit: string; level: string; json?: boolean }) => {
        const limit = intOption(opts.limit, '--limit', 1);
        if (opts.level !== '4' && opts.level !== '6')
          throw new LandbridgeError('invalid-input', `--level must be 4 or 6, got "${opts.level}"`);
        const r = searchHs(shippedHsIndex(), words.join(' '), { limit, level: opts.level === '4' ? 4 : 6 });
        if (opts.json) {
          console.log(JSON.stringify(r, null, 2));
          return;
        }
        if (r.keywords.length > 0) console.log(`keywords: ${r.keywords.join(', ')}`);
        if (r.results.length === 0) console.log('no HS 2022 code matches these words');
        for (const s of r.results) {
          console.log(`${s.code.padEnd(7)} ${s.score.toFixed(2).padStart(7)}  ${s.description}`);
          if (s.level === 6)
            console.log(`${''.padEnd(17)}heading ${s.heading.code}: ${s.heading.description}`);
        }
      }),
    );

  hs.command('show')
    .description(
      'Look an HS 2022 code up: whether it exists, its description, chapter, heading and subheadings',
    )
    .argument('<code>', 'a chapter, heading, subheading or national line, e.g. 6109, 8517.13, 6109100010')
    .option('--description <text>', 'also check whether this description fits the code')
    .option('--json', 'print the answer as JSON')
    .action(
      action((code: string, opts: { description?: string; json?: boolean }) => {
        const index = shippedHsIndex();
        const r = lookupHs(index.nomenclature, code);
        if (!r.ok)
          throw new LandbridgeError('invalid-input', r.message, [
            { where: { field: 'code' }, why: r.message },
          ]);
        const fit =
          opts.description !== undefined ? checkHsFit(index, opts.description, r.hsCode) : undefined;
        if (opts.json) {
          console.log(JSON.stringify({ ...r, ...(fit ? { fit } : {}) }, null, 2));
          return;
        }
        for (const p of r.parents) console.log(`${p.code.padEnd(7)} ${p.description}`);
        console.log(
          `${r.hsCode.padEnd(7)} ${r.description}${r.nationalExtension ? `  (national extension ${r.nationalExtension} not checked)` : ''}`,
        );
        console.log(`section ${r.section.id}: ${r.section.name}`);
        if (r.children.length > 0) console.log(`under it: ${r.children.join(', ')}`);
        if (fit) console.log(`${fit.verdict}: ${fit.message}`);
      }),
    );
}
