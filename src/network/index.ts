/**
 * The network of corridors: checking a network, expanding its weekly schedules into dated departures
 * with disruptions applied, and wall-clock time in the nodes' zones.
 */
export { checkNetwork, reachableNodes } from './check.ts';
export { type Departure, type DepartureLeg, type ExpandOptions, expandDepartures } from './departures.ts';
export {
  addDays,
  daysBetween,
  isoWeekday,
  localDate,
  toLocalIso,
  zonedToUtcMs,
  zoneOffsetMinutes,
} from './time.ts';
