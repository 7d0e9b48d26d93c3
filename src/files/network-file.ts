import { readFileSync } from 'node:fs';
import { LandbridgeError, type Network, NetworkSchema, problemsFromZod } from '../domain/index.ts';
import { checkNetwork } from '../network/index.ts';
import { parseYaml } from './yaml.ts';

/**
 * Parses and checks a network document (YAML or JSON text). Throws a `LandbridgeError` with code
 * `invalid-input` listing every problem, each naming `file` and the field path.
 */
export function parseNetworkText(text: string, file: string): Network {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new LandbridgeError('invalid-input', `${file} is not valid YAML`, [
      { where: { file }, why: (e as Error).message },
    ]);
  }
  const parsed = NetworkSchema.safeParse(raw);
  if (!parsed.success) {
    throw new LandbridgeError(
      'invalid-input',
      `${file} is not a valid network`,
      problemsFromZod(parsed.error, { file }),
    );
  }
  const problems = checkNetwork(parsed.data, file);
  if (problems.length > 0)
    throw new LandbridgeError('invalid-input', `${file} is not a consistent network`, problems);
  return parsed.data;
}

/** Reads a network file (`data/network/chongqing.yaml`), parses and checks it. */
export function readNetworkFile(path: string): Network {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new LandbridgeError('not-found', `cannot read ${path}`, [
      { where: { file: path }, why: (e as Error).message },
    ]);
  }
  return parseNetworkText(text, path);
}
