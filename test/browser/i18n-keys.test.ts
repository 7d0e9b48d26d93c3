import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const WEB_SRC = join(process.cwd(), 'web', 'src');

function keysOf(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k));
}

function load(language: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(WEB_SRC, 'locales', `${language}.json`), 'utf8')) as Record<
    string,
    unknown
  >;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('console translations', () => {
  const en = keysOf(load('en')).sort();
  const zh = keysOf(load('zh-CN')).sort();

  it('have the same keys in English and Simplified Chinese', () => {
    expect(zh).toEqual(en);
  });

  it('have no empty label', () => {
    for (const language of ['en', 'zh-CN']) {
      const flat = keysOf(load(language));
      const values = flat.map((k) =>
        k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], load(language)),
      );
      expect(values.filter((v) => typeof v !== 'string' || v.trim() === '')).toEqual([]);
    }
  });

  it('define every literal key the code asks for', () => {
    const known = new Set(en.map((k) => k.replace(/_(one|other)$/, '')));
    const used = new Set<string>();
    for (const file of sources(WEB_SRC))
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([a-zA-Z][\w.-]*)'/g)) used.add(m[1]!);
    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter((k) => !known.has(k)).sort()).toEqual([]);
  });
});
