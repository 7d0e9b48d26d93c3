import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * The folders the hub shares with the E-port transfer client (the "智能传输客户端" or similar): the hub
 * writes messages into `out`, the client sends them and writes customs' receipts into `in`. Around them:
 * `out/.staging` for messages not yet committed, `processed` for receipts taken in, `error` for receipts
 * that could not be read (each with a `.reason.txt`), and `sent` where a transfer client that moves
 * files (the test responder does) puts what it sent.
 */
export interface ExchangeFolders {
  readonly root: string;
  readonly out: string;
  readonly staging: string;
  readonly in: string;
  readonly processed: string;
  readonly error: string;
  readonly sent: string;
}

/** The exchange folders under `root`, created when missing. */
export async function exchangeFolders(root: string): Promise<ExchangeFolders> {
  const r = resolve(root);
  const f: ExchangeFolders = {
    root: r,
    out: join(r, 'out'),
    staging: join(r, 'out', '.staging'),
    in: join(r, 'in'),
    processed: join(r, 'processed'),
    error: join(r, 'error'),
    sent: join(r, 'sent'),
  };
  for (const dir of [f.out, f.staging, f.in, f.processed, f.error, f.sent])
    await mkdir(dir, { recursive: true });
  return f;
}

/**
 * Writes a file atomically: into a temporary name beside it (starting with a dot, which readers of the
 * folder skip), then renamed — a reader sees the whole file or nothing.
 */
export async function writeAtomic(dir: string, name: string, content: string): Promise<string> {
  const tmp = join(dir, `.${name}.${randomUUID()}.tmp`);
  await writeFile(tmp, content, 'utf8');
  const target = join(dir, name);
  await rename(tmp, target);
  return target;
}

/** The XML files ready in a folder (not temporary ones), by name. */
export async function readyFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => !n.startsWith('.') && n.toLowerCase().endsWith('.xml')).sort();
}

/** Moves a file into another folder, under a name not yet taken there. */
export async function moveInto(from: string, dir: string, name: string): Promise<string> {
  let target = join(dir, name);
  if (await exists(target))
    target = join(dir, `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}-${name}`);
  await rename(from, target);
  return target;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export { readFile, rm };
