import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The official GACC 202205 export schema (it imports the W3C XML-DSig schema beside it). */
export const CEB_EXPORT_XSD = fileURLToPath(
  new URL('../../data/customs/schemas/ceb-export-202205.xsd', import.meta.url),
);
/** Landbridge's schema of the DXP terminal-node envelope, written from the spec's §4 (see its header). */
export const DXP_ENVELOPE_XSD = fileURLToPath(
  new URL('../../data/customs/schemas/dxp-envelope.xsd', import.meta.url),
);

/** The verdict on one document. */
export interface XsdVerdict {
  readonly name: string;
  readonly valid: boolean;
  /** xmllint's messages for this document, without the temporary path. */
  readonly errors: readonly string[];
}

/** Documents per xmllint process: enough to amortise its start, few enough to keep memory flat. */
const BATCH = 200;

/**
 * Validates XML documents against an XSD with libxml2's `xmllint` (Debian libxml2-utils), offline
 * (`--nonet`: the schema's imports resolve beside it, nothing is fetched). Each document is written to a
 * temporary folder that is removed afterwards. Documents are validated in batches, one process each,
 * `parallel` at a time.
 *
 * @throws Error when xmllint is not installed.
 */
export async function validateXml(
  docs: readonly { readonly name: string; readonly xml: string }[],
  xsd: string = CEB_EXPORT_XSD,
  parallel = 2,
): Promise<XsdVerdict[]> {
  const dir = await mkdtemp(join(tmpdir(), 'landbridge-xsd-'));
  try {
    const verdicts: XsdVerdict[] = new Array(docs.length);
    const batches: number[][] = [];
    for (let i = 0; i < docs.length; i += BATCH)
      batches.push(Array.from({ length: Math.min(BATCH, docs.length - i) }, (_, k) => i + k));
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        const files = batch.map((i) => join(dir, `${i}.xml`));
        await Promise.all(batch.map((i, k) => writeFile(files[k]!, docs[i]!.xml)));
        const out = await runXmllint(xsd, files);
        batch.forEach((i, k) => {
          const file = files[k]!;
          const errors = out
            .filter((line) => line.startsWith(`${file}:`))
            .map((line) => line.slice(file.length + 1));
          const valid = out.includes(`${file} validates`);
          verdicts[i] = {
            name: docs[i]!.name,
            valid,
            errors: valid ? [] : errors.length > 0 ? errors : ['fails to validate'],
          };
        });
        await Promise.all(files.map((f) => rm(f, { force: true })));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
    return verdicts;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function runXmllint(xsd: string, files: readonly string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(
      'xmllint',
      ['--noout', '--nonet', '--schema', xsd, ...files],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new Error('xmllint is not installed (Debian: apt-get install libxml2-utils)'));
          return;
        }
        resolve(String(stderr).split('\n').filter(Boolean));
      },
    );
  });
}
