import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { LandbridgeError, problemsFromZod } from '../domain/index.ts';
import {
  type DurationDefaults,
  DurationDefaultsSchema,
  type PlaceNames,
  PlaceNamesSchema,
  type TrackingLabels,
  TrackingLabelsSchema,
} from '../tracking/index.ts';
import { parseYaml } from './yaml.ts';

/** The tracking data shipped with Landbridge: labels, city-level place names, default durations. */
export const TRACKING_DIR = fileURLToPath(new URL('../../data/tracking/', import.meta.url));

/** Everything the journey reads from `data/tracking`. */
export interface TrackingData {
  readonly labels: TrackingLabels;
  readonly places: PlaceNames;
  readonly durations: DurationDefaults;
}

function parsed<S extends z.ZodType>(file: string, schema: S, yaml: boolean): z.output<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new LandbridgeError('not-found', `cannot read ${file}`, [
      { where: { file }, why: (e as Error).message },
    ]);
  }
  let raw: unknown;
  try {
    raw = yaml ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new LandbridgeError('invalid-input', `${file} is not valid ${yaml ? 'YAML' : 'JSON'}`, [
      { where: { file }, why: (e as Error).message },
    ]);
  }
  const r = schema.safeParse(raw);
  if (!r.success)
    throw new LandbridgeError(
      'invalid-input',
      `${file} does not hold what it should`,
      problemsFromZod(r.error, { file }),
    );
  return r.data;
}

let cached: TrackingData | undefined;

/**
 * Reads `labels.json`, `places.yaml` and `durations.yaml` from `dir` (the shipped folder by default;
 * that one is read once and kept), each validated against its schema.
 */
export function readTrackingData(dir?: string): TrackingData {
  if (dir === undefined && cached) return cached;
  const base = dir ?? TRACKING_DIR;
  const data: TrackingData = {
    labels: parsed(`${base}/labels.json`, TrackingLabelsSchema, false),
    places: parsed(`${base}/places.yaml`, PlaceNamesSchema, true),
    durations: parsed(`${base}/durations.yaml`, DurationDefaultsSchema, true),
  };
  if (dir === undefined) cached = data;
  return data;
}
