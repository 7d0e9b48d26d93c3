/**
 * Taking parcels in: a batch from a file or an API call is checked whole (schema, seller, duplicates
 * in the batch and in the store) and written in one transaction, or not at all.
 */
export type { ImportFlag } from './hs-check.ts';
export { type ImportActor, type ImportOptions, type ImportResult, importParcels } from './import-parcels.ts';
