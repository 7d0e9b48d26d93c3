/**
 * Test fixture: the shipped rule files (data/duties/*.yaml) and FX table (data/fx/rates.yaml), read from
 * disk and parsed. Only tests import this file; the shell has its own loader.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parseYaml } from '../files/yaml.ts';
import { loadNomenclature } from '../hs/hs-data.fixture.ts';
import { type FxTables, parseFxTables } from './fx.ts';
import { type DutyRules, type DutyRulesDocument, parseDutyRules } from './schema.ts';

const dutiesDir = new URL('../../data/duties/', import.meta.url);
const fxFile = new URL('../../data/fx/rates.yaml', import.meta.url);

/** Every data/duties/*.yaml file, parsed from YAML but not yet validated. */
export function readRuleDocuments(): DutyRulesDocument[] {
  return readdirSync(dutiesDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => ({ file, data: parseYaml(readFileSync(new URL(file, dutiesDir), 'utf8')) as unknown }));
}

/** The shipped rules, validated against the shipped HS 2022 table; throws with every problem listed when a file is wrong. */
export function loadDutyRules(): DutyRules {
  const result = parseDutyRules(readRuleDocuments(), { hs: loadNomenclature() });
  if (!result.ok) {
    const lines = result.problems.map((p) => `${p.where.file} ${p.where.field ?? ''}: ${p.why}`);
    throw new Error(`data/duties is invalid:\n${lines.join('\n')}`);
  }
  return result.rules;
}

/** data/fx/rates.yaml parsed, not yet validated. */
export function readFxDocument(): unknown {
  return parseYaml(readFileSync(fxFile, 'utf8')) as unknown;
}

/** The shipped FX tables, validated. */
export function loadFx(): FxTables {
  const result = parseFxTables(readFxDocument());
  if (!result.ok) throw new Error(`data/fx/rates.yaml is invalid: ${JSON.stringify(result.problems)}`);
  return result.fx;
}

/** The parcel generator's distribution tables (data/generator/mix.json), for the HS codes it uses. */
export function generatorHsCodes(): string[] {
  const mix = JSON.parse(readFileSync(new URL('../../data/generator/mix.json', import.meta.url), 'utf8')) as {
    categories: { products: { hsCode: string }[] }[];
  };
  return [...new Set(mix.categories.flatMap((c) => c.products.map((p) => p.hsCode)))].sort();
}
