import type { PlanDeparture } from './context.ts';

/** A container opened on a departure, as the plan fills it. */
export interface OpenContainer {
  readonly id: number;
  readonly departure: number;
  /** Index into the departure's container types. */
  type: number;
  weightG: number;
  volumeMm3: number;
  /** Parcels in it now (the `parcels` list may still hold some that left, until `compact`). */
  size: number;
  parcels: number[];
}

/** The containers of every containerised departure and the loose capacity left on the others. */
export class Loading {
  readonly containers = new Map<number, OpenContainer[]>();
  /** Every container ever opened, by id (closed ones stay, empty). */
  readonly all: OpenContainer[] = [];
  readonly looseWeightG = new Map<number, number>();
  readonly looseVolumeMm3 = new Map<number, number>();

  constructor(private readonly departures: ReadonlyMap<number, PlanDeparture>) {}

  /** Containers opened on a departure. */
  of(departure: number): OpenContainer[] {
    let list = this.containers.get(departure);
    if (!list) {
      list = [];
      this.containers.set(departure, list);
    }
    return list;
  }

  /** Slots still free on a departure, per container type (emptied containers free theirs). */
  freeSlots(departure: number, type: number): number {
    const d = this.departures.get(departure)!;
    let used = 0;
    for (const c of this.of(departure)) if (c.type === type && c.size > 0) used++;
    return d.containers[type]!.slots - used;
  }

  /** The container type with the lowest cost per filled m³ that has free slots, or -1. */
  bestType(departure: number): number {
    const d = this.departures.get(departure)!;
    let best = -1;
    let bestRate = Number.POSITIVE_INFINITY;
    d.containers.forEach((t, i) => {
      const rate = t.costMinor / t.volumeMm3;
      if (this.freeSlots(departure, i) > 0 && rate < bestRate) {
        bestRate = rate;
        best = i;
      }
    });
    return best;
  }

  /**
   * Puts a parcel in the first container of the departure with room (weight and filled volume), or
   * opens a container when `mayOpen` (an emptied one first). Returns the container, or undefined when
   * it does not fit.
   */
  place(
    departure: number,
    parcel: number,
    weightG: number,
    volumeMm3: number,
    mayOpen: boolean,
  ): OpenContainer | undefined {
    const d = this.departures.get(departure)!;
    for (const c of this.of(departure)) {
      if (c.size === 0) continue;
      const t = d.containers[c.type]!;
      if (c.weightG + weightG <= t.payloadG && c.volumeMm3 + volumeMm3 <= t.volumeMm3) {
        this.put(c, parcel, weightG, volumeMm3);
        return c;
      }
    }
    if (!mayOpen) return undefined;
    const type = this.bestType(departure);
    if (type < 0) return undefined;
    const t = d.containers[type]!;
    if (weightG > t.payloadG || volumeMm3 > t.volumeMm3) return undefined;
    const c = this.open(departure, type)!;
    this.put(c, parcel, weightG, volumeMm3);
    return c;
  }

  private put(c: OpenContainer, parcel: number, weightG: number, volumeMm3: number): void {
    c.weightG += weightG;
    c.volumeMm3 += volumeMm3;
    c.size++;
    c.parcels.push(parcel);
  }

  /**
   * Opens a container of type `type` on a departure (an emptied one of that type first), or returns
   * undefined when no slot of the type is free. It stays empty, and free to be taken back, until a
   * parcel is put in it.
   */
  open(departure: number, type: number): OpenContainer | undefined {
    for (const c of this.of(departure)) if (c.type === type && c.size === 0) return c;
    if (this.freeSlots(departure, type) <= 0) return undefined;
    const c: OpenContainer = {
      id: this.all.length,
      departure,
      type,
      weightG: 0,
      volumeMm3: 0,
      size: 0,
      parcels: [],
    };
    this.all.push(c);
    this.of(departure).push(c);
    return c;
  }

  /** Puts a parcel into this (open) container if it has room. */
  placeIn(c: OpenContainer, parcel: number, weightG: number, volumeMm3: number): boolean {
    const t = this.departures.get(c.departure)!.containers[c.type]!;
    if (c.weightG + weightG > t.payloadG || c.volumeMm3 + volumeMm3 > t.volumeMm3) return false;
    this.put(c, parcel, weightG, volumeMm3);
    return true;
  }

  /** Takes a parcel's weight and volume out of a container (the parcel list is cleaned by `compact`). */
  unplace(c: OpenContainer, weightG: number, volumeMm3: number): void {
    c.size--;
    if (c.size === 0) {
      c.weightG = 0;
      c.volumeMm3 = 0;
    } else {
      c.weightG -= weightG;
      c.volumeMm3 -= volumeMm3;
    }
  }

  /** Closes containers left empty and drops parcels that left from the lists. */
  compact(isIn: (container: OpenContainer, parcel: number) => boolean): void {
    for (const [key, list] of this.containers) {
      for (const c of list) c.parcels = [...new Set(c.parcels)].filter((p) => isIn(c, p));
      this.containers.set(
        key,
        list.filter((c) => c.parcels.length > 0),
      );
    }
  }

  /** Whether loose capacity (kg, m³) remains on a departure for a parcel. */
  fitsLoose(departure: number, weightG: number, volumeMm3: number): boolean {
    const d = this.departures.get(departure)!;
    return (
      (this.looseWeightG.get(departure) ?? 0) + weightG <= d.weightCapG &&
      (this.looseVolumeMm3.get(departure) ?? 0) + volumeMm3 <= d.volumeCapMm3
    );
  }

  addLoose(departure: number, weightG: number, volumeMm3: number): void {
    this.looseWeightG.set(departure, (this.looseWeightG.get(departure) ?? 0) + weightG);
    this.looseVolumeMm3.set(departure, (this.looseVolumeMm3.get(departure) ?? 0) + volumeMm3);
  }

  removeLoose(departure: number, weightG: number, volumeMm3: number): void {
    this.looseWeightG.set(departure, (this.looseWeightG.get(departure) ?? 0) - weightG);
    this.looseVolumeMm3.set(departure, (this.looseVolumeMm3.get(departure) ?? 0) - volumeMm3);
  }

  /**
   * Gives the least-filled containers of each departure the cheapest type that still holds them
   * (a half-empty 40' becomes a 20' when a 20' slot is free and cheaper).
   */
  rightSize(): void {
    for (const [key, list] of this.containers) {
      const d = this.departures.get(key)!;
      for (const c of list) {
        const current = d.containers[c.type]!;
        let best = c.type;
        for (let i = 0; i < d.containers.length; i++) {
          const t = d.containers[i]!;
          if (
            t.costMinor < d.containers[best]!.costMinor &&
            c.weightG <= t.payloadG &&
            c.volumeMm3 <= t.volumeMm3 &&
            this.freeSlots(key, i) > 0
          ) {
            best = i;
          }
        }
        if (best !== c.type && d.containers[best]!.costMinor < current.costMinor) c.type = best;
      }
    }
  }
}
