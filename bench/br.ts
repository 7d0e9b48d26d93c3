/** Reads the BR container-loading files (thpack format) for the bench and the tests: file I/O stays out of the core. */
import { readFileSync } from 'node:fs';
import { parseThpack, type ThpackProblem } from '../src/load/thpack.ts';

/** The folder of BR0.txt … BR15.txt: `../shared/bench/br/` beside the repository. */
export const BR_DIR: string = new URL('../../shared/bench/br/', import.meta.url).pathname;

/** The 100 problems of class `cls` (0–15), from `dir` (default `BR_DIR`). */
export function readBrClass(cls: number, dir: string = BR_DIR): ThpackProblem[] {
  return parseThpack(readFileSync(`${dir.replace(/\/$/, '')}/BR${cls}.txt`, 'utf8'));
}
