/**
 * Text from the store or a caller made safe for a terminal: control characters (ESC, BEL, CR, the C1
 * range, DEL) and bidirectional overrides shown as `\u001b`-style escapes, so that an order id holding
 * `ESC[2J` cannot clear or restyle the screen of the person listing it. Newlines become `\n` too when
 * `multiline` is false (a table cell).
 */
export function printable(text: string, multiline = false): string {
  return text.replace(UNSAFE, (c) =>
    multiline && c === '\n' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it escapes
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** {@link printable} over every string in a value (for JSON and table output of stored records). */
export function printableDeep<T>(value: T): T {
  if (typeof value === 'string') return printable(value) as T;
  if (Array.isArray(value)) return value.map(printableDeep) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printableDeep(v)])) as T;
  return value;
}

/** `console.log` of a line that may hold stored text, through {@link printable} (newlines kept). */
export function say(text: string): void {
  console.log(printable(text, true));
}
