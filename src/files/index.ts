/**
 * Files a planner edits or hands over: the network YAML, the FX rate table, parcel CSV/JSON. Reads,
 * parses and validates them, naming the file, row and field of every problem.
 */
export {
  COUNTRY_CODES_FILE,
  readCountryCodes,
  readVagueTerms,
  VAGUE_DESCRIPTIONS_FILE,
} from './customs-files.ts';
export { readDutyRules } from './duty-files.ts';
export { readEventFile } from './event-file.ts';
export { fxConverter, fxTablesWithImports, LiveFx, readFxDocument, readFxFile } from './fx-file.ts';
export { parseNetworkText, readNetworkFile } from './network-file.ts';
export { readParcelFile } from './parcel-file.ts';
export { readTrackingData, TRACKING_DIR, type TrackingData } from './tracking-files.ts';
