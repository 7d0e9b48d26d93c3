import type { Equipment } from '../domain/network.ts';
import type { Dimensions } from '../domain/parcel.ts';
import type { Container, LoadBox } from './types.ts';

/** The load space of a container type: its inside dimensions and payload. */
export function containerOf(equipment: Equipment): Container {
  return {
    lengthMm: equipment.innerLengthMm,
    widthMm: equipment.innerWidthMm,
    heightMm: equipment.innerHeightMm,
    payloadG: equipment.payloadG,
  };
}

/**
 * A parcel as a box to load: its packed dimensions and gross weight, any orientation, stackable.
 * Pass `rules` for goods that must stay upright or carry nothing.
 */
export function loadBoxOf(
  parcel: { readonly id: string; readonly dimensions: Dimensions; readonly grossWeightG: number },
  rules: Pick<LoadBox, 'orientations' | 'thisSideUp' | 'stackable' | 'maxLoadOnTopG'> = {},
): LoadBox {
  return {
    id: parcel.id,
    lengthMm: parcel.dimensions.lengthMm,
    widthMm: parcel.dimensions.widthMm,
    heightMm: parcel.dimensions.heightMm,
    weightG: parcel.grossWeightG,
    ...rules,
  };
}
