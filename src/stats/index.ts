/** Statistics of the hub from plain rows (the store gathers them; no I/O here). */
export {
  type DayRow,
  type GroupRow,
  type ParcelRow,
  type ParcelStats,
  type ParcelStatsInput,
  parcelStats,
} from './parcel-stats.ts';
