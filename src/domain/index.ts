/**
 * The hub's vocabulary: parcels, sellers, the network of nodes and services, money and codes.
 * Schemas validate data where it enters; the types are inferred from them.
 */
export * from './bounds.ts';
export * from './codes.ts';
export * from './errors.ts';
export * from './fx.ts';
export * from './money.ts';
export * from './network.ts';
export * from './parcel.ts';
export * from './parcel-csv.ts';
export * from './seller.ts';
export * from './storable.ts';
