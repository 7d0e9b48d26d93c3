import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LandbridgeError } from '../domain/index.ts';
import { type DutyRules, parseDutyRules } from '../duties/index.ts';
import type { HsNomenclature } from '../hs/index.ts';
import { shippedHsNomenclature } from './hs-files.ts';
import { parseYaml } from './yaml.ts';

/**
 * Reads every `*.yaml` rule file of a folder (`data/duties`) and validates them together, every HS prefix
 * checked against the nomenclature (the shipped HS 2022 table by default), which the rules then keep so
 * that landed cost refuses a declared code that does not exist.
 */
export function readDutyRules(dir: string, hs: HsNomenclature = shippedHsNomenclature()): DutyRules {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .sort();
  } catch (e) {
    throw new LandbridgeError('not-found', `cannot read ${dir}`, [
      { where: { file: dir }, why: (e as Error).message },
    ]);
  }
  const docs = files.map((file) => {
    const path = join(dir, file);
    try {
      return { file: path, data: parseYaml(readFileSync(path, 'utf8')) as unknown };
    } catch (e) {
      throw new LandbridgeError('invalid-input', `${path} is not valid YAML`, [
        { where: { file: path }, why: (e as Error).message },
      ]);
    }
  });
  const result = parseDutyRules(docs, { hs });
  if (!result.ok)
    throw new LandbridgeError('invalid-input', `${dir}: the duty rules are not valid`, result.problems);
  return result.rules;
}
