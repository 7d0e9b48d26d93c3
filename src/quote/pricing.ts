import type {
  ContainerType,
  Equipment,
  HubHandling,
  LastMileZone,
  Service,
  Tariff,
} from '../domain/index.ts';
import type { Load } from './request.ts';

/**
 * How the hub prices a parcel's ride in a container it consolidates: the container's rate times the
 * parcel's share of it (the larger of its weight and volume fractions), divided by the fill the hub
 * expects to reach. 0.65: the share of a container's inside the planner fills (`containerFill` of
 * `src/plan/context.ts`, kept equal by a test), because the 3D loader reaches 62–74 % on mixed
 * e-commerce cartons (bench:plan, 2026-12-07); a quote at 0.85 priced containers fuller than any plan
 * loads them.
 */
export const DEFAULT_CONSOLIDATION_FILL = 0.65;

const roundMinor = (x: number) => Math.round(x + 1e-9);

/** Volume of a container type's inside in mm³. */
export function innerVolumeMm3(e: Equipment): number {
  return e.innerLengthMm * e.innerWidthMm * e.innerHeightMm;
}

/**
 * Charge for a share of capacity under a tariff: the greatest of the minimum, kg × perKg, m³ × perM3
 * and chargeable kg × perChargeableKg (chargeable kg = max(kg, cm³ / divisor)). Undefined when the
 * tariff has no share rate. `withMinimum` false for parcels the hub consolidates under one booking.
 */
export function shareChargeMinor(tariff: Tariff, load: Load, withMinimum: boolean): number | undefined {
  if (
    tariff.perKgMinor === undefined &&
    tariff.perM3Minor === undefined &&
    tariff.perChargeableKgMinor === undefined
  ) {
    return undefined;
  }
  const kg = load.weightG / 1000;
  const m3 = load.volumeMm3 / 1e9;
  let charge = withMinimum ? tariff.minimumMinor : 0;
  if (tariff.perKgMinor !== undefined) charge = Math.max(charge, kg * tariff.perKgMinor);
  if (tariff.perM3Minor !== undefined) charge = Math.max(charge, m3 * tariff.perM3Minor);
  if (tariff.perChargeableKgMinor !== undefined) {
    const volumetricKg = load.volumeMm3 / 1000 / tariff.volumetricDivisorCm3PerKg!;
    charge = Math.max(charge, Math.max(kg, volumetricKg) * tariff.perChargeableKgMinor);
  }
  return roundMinor(charge);
}

/**
 * The line-haul charge of `service` for `load`, in minor units of the service's tariff currency, or
 * undefined when the service does not take this kind of load (no rate, no such container, too many
 * containers for one departure).
 */
export function lineHaulMinor(
  service: Service,
  load: Load,
  equipment: ReadonlyMap<ContainerType, Equipment>,
  fill: number,
): number | undefined {
  const tariff = service.tariff;
  if (load.kind === 'fcl') {
    let total = 0;
    for (const c of load.containers) {
      const rate = tariff.perContainerMinor?.[c.type];
      const slots = service.capacity.containers.find((x) => x.type === c.type)?.count ?? 0;
      if (rate === undefined || slots < c.count) return undefined;
      total += rate * c.count;
    }
    return total;
  }
  if (load.kind === 'lcl') {
    if (
      service.capacity.containers.length === 0 &&
      service.capacity.weightKg !== undefined &&
      load.weightG > service.capacity.weightKg * 1000
    ) {
      return undefined;
    }
    return shareChargeMinor(tariff, load, true);
  }
  // A parcel: a share of a consolidated container where the service runs containers with a rate.
  for (const c of service.capacity.containers) {
    const rate = tariff.perContainerMinor?.[c.type];
    const e = equipment.get(c.type);
    if (rate === undefined || e === undefined) continue;
    const share = Math.max(load.weightG / e.payloadG, load.volumeMm3 / innerVolumeMm3(e));
    return roundMinor((rate * share) / fill);
  }
  return shareChargeMinor(tariff, load, false);
}

/** The hub's handling charge for a load, in minor units of the handling currency. */
export function hubHandlingMinor(h: HubHandling, load: Load): number {
  if (load.kind === 'fcl') return h.perContainerMinor * load.pieces;
  return roundMinor(h.perParcelMinor * load.pieces + (h.perKgMinor * load.weightG) / 1000);
}

/** The last-mile partner's charge for a parcel, in minor units of the zone's currency. */
export function lastMileMinor(zone: LastMileZone, load: Load): number {
  return roundMinor(zone.rate.baseMinor + (zone.rate.perKgMinor * load.weightG) / 1000);
}

/** Why a last-mile zone refuses a parcel, or undefined when it takes it. */
export function lastMileRefusal(zone: LastMileZone, load: Load): string | undefined {
  if (load.weightG > zone.maxWeightG)
    return `${zone.carrier} takes parcels up to ${zone.maxWeightG / 1000} kg`;
  if (load.longestSideMm > zone.maxLengthMm)
    return `${zone.carrier} takes parcels up to ${zone.maxLengthMm} mm long`;
  if (zone.maxGirthMm !== undefined && load.girthMm > zone.maxGirthMm) {
    return `${zone.carrier} takes parcels up to ${zone.maxGirthMm} mm length + girth`;
  }
  return undefined;
}
