/**
 * JSON request bodies parsed without holding the event loop: a big body (a 10,000-parcel import is tens
 * of MB; parsing 48 MB at once held the loop 1.29 s) is parsed member by member, giving the loop its
 * turn every few milliseconds, with the same result and the same problems as Fastify's own parser.
 *
 * Why not a worker thread: the object has to come back to this thread, and structured clone's
 * deserialisation of a parsed body costs the loop 2–4× what `JSON.parse` of its text does (measured:
 * 6.3 MB of parcels, `JSON.parse` 26–49 ms, `v8.deserialize` 91–295 ms).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorCodes } from 'fastify';

/** Fastify's own JSON parser (secure-json-parse with the server's poisoning actions), called in one go. */
type TextParser = (text: string) => unknown;

/** Bodies up to this many bytes are parsed in one go (well under a millisecond or two). */
export const CHUNKED_JSON_BYTES = 256 * 1024;

/** A container whose text is at least this long is split into its members (smaller ones parse whole). */
const SPLIT_BYTES = 64 * 1024;

/** The loop's turn comes back after this much parsing. */
const SLICE_MS = 8;

class BadJson extends Error {}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** The end (exclusive) of the string starting at `at` (its opening quote). */
function stringEnd(buf: Buffer, at: number): number {
  for (let i = at + 1; i < buf.length; i++) {
    const b = buf[i]!;
    if (b === BACKSLASH) i++;
    else if (b === QUOTE) return i + 1;
  }
  throw new BadJson();
}

/**
 * The end (exclusive) of the value starting at `at`, its content checked when it is parsed; -1 when it
 * is an object or array longer than `limit` bytes (scanning stops there).
 */
function valueEnd(buf: Buffer, at: number, limit = Number.POSITIVE_INFINITY): number {
  const first = buf[at];
  if (first === QUOTE) return stringEnd(buf, at);
  if (first === 0x7b || first === 0x5b) {
    const stop = Math.min(buf.length, at + limit);
    let depth = 0;
    for (let i = at; i < stop; i++) {
      const b = buf[i]!;
      if (b === QUOTE) i = stringEnd(buf, i) - 1;
      else if (b === 0x7b || b === 0x5b) depth++;
      else if (b === 0x7d || b === 0x5d) {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    if (stop === buf.length) throw new BadJson();
    return -1;
  }
  let i = at;
  while (i < buf.length) {
    const b = buf[i]!;
    if (b === 0x2c || b === 0x7d || b === 0x5d || isSpace(b)) break;
    i++;
  }
  if (i === at) throw new BadJson();
  return i;
}

/** What secure-json-parse refuses in an object (`constructor.prototype`; `__proto__` is refused as a key). */
function checkPoison(node: Record<string, unknown>): void {
  const c = node.constructor;
  if (
    Object.hasOwn(node, 'constructor') &&
    c !== null &&
    typeof c === 'object' &&
    Object.hasOwn(c, 'prototype')
  )
    throw new BadJson();
}

/**
 * Parses `buf` as JSON, yielding to the loop every {@link SLICE_MS}: a value shorter than
 * {@link SPLIT_BYTES} is parsed whole by `parseText`; a longer object or array member by member, read
 * from its start (never scanned to its end first, so no step of the scan is longer than a member).
 */
async function parseInSlices(buf: Buffer, parseText: TextParser): Promise<unknown> {
  let sliceStart = performance.now();
  const turn = async () => {
    if (performance.now() - sliceStart < SLICE_MS) return;
    await new Promise((resolve) => setImmediate(resolve));
    sliceStart = performance.now();
  };
  const skipSpace = (i: number) => {
    while (i < buf.length && isSpace(buf[i]!)) i++;
    return i;
  };
  const leaf = (from: number, to: number): unknown => parseText(buf.toString('utf8', from, to));
  /** The value starting at `at`, and where it ends. */
  const value = async (at: number): Promise<[unknown, number]> => {
    const end = valueEnd(buf, at, SPLIT_BYTES);
    if (end >= 0) {
      await turn();
      return [leaf(at, end), end];
    }
    return container(at);
  };
  /** The object or array starting at `at`, member by member, and where it ends. */
  const container = async (at: number): Promise<[unknown, number]> => {
    const open = buf[at];
    const close = open === 0x7b ? 0x7d : 0x5d;
    const array: unknown[] = [];
    const object: Record<string, unknown> = {};
    let i = skipSpace(at + 1);
    if (buf[i] !== close) {
      for (;;) {
        let key: string | undefined;
        if (open === 0x7b) {
          if (buf[i] !== QUOTE) throw new BadJson();
          const keyEnd = stringEnd(buf, i);
          key = leaf(i, keyEnd) as string;
          // refused as secure-json-parse refuses it (and never assigned: it would set the prototype)
          if (key === '__proto__') throw new BadJson();
          i = skipSpace(keyEnd);
          if (buf[i] !== 0x3a) throw new BadJson();
          i = skipSpace(i + 1);
        }
        const [member, end] = await value(i);
        if (key === undefined) array.push(member);
        else object[key] = member;
        i = skipSpace(end);
        if (buf[i] !== 0x2c) break;
        i = skipSpace(i + 1);
      }
      if (buf[i] !== close) throw new BadJson();
    }
    if (open === 0x5b) return [array, i + 1];
    checkPoison(object);
    return [object, i + 1];
  };
  // secure-json-parse drops a byte order mark before the text
  const start = skipSpace(buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0);
  const [result, end] = await value(start);
  if (skipSpace(end) !== buf.length) throw new BadJson();
  return result;
}

/**
 * A JSON body parser that answers as Fastify's default one (the same function parses the text: secure-
 * json-parse, `__proto__` and `constructor.prototype` refused as the server is configured; an empty body
 * and bad JSON answered with Fastify's own errors; the body limit checked before the parser runs), and
 * parses a body over {@link CHUNKED_JSON_BYTES} in slices that give the loop its turns.
 */
export function jsonBodyParser(app: FastifyInstance): (body: Buffer) => Promise<unknown> {
  const config = app.initialConfig;
  const fastifyParser = app.getDefaultJsonParser(
    config.onProtoPoisoning ?? 'error',
    config.onConstructorPoisoning ?? 'error',
  );
  const parseText: TextParser = (text) => {
    let out: { error: Error | null; value: unknown } = { error: null, value: undefined };
    fastifyParser(undefined as never, text, (error, value) => {
      out = { error, value };
    });
    if (out.error) throw out.error;
    return out.value;
  };
  // the slices refuse poisoned keys as `error` does; another setting parses in one go
  const slices = config.onProtoPoisoning === 'error' && config.onConstructorPoisoning === 'error';
  return async (body) => {
    if (!slices || body.length <= CHUNKED_JSON_BYTES) return parseText(body.toString('utf8'));
    try {
      return await parseInSlices(body, parseText);
    } catch {
      throw new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY();
    }
  };
}

/** Replaces the server's `application/json` parser with {@link jsonBodyParser}'s. */
export function jsonBodies(app: FastifyInstance): void {
  const parse = jsonBodyParser(app);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    (_request: FastifyRequest, body: Buffer) => parse(body),
  );
}
