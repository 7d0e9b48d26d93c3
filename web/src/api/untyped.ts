/**
 * Answers the API's OpenAPI document does not describe yet (GET /v1/network, POST /v1/landed-cost,
 * POST /v1/load-plans): only the fields the console reads. When a route gains its response schema,
 * `npm run api:types` types it and its entry here goes.
 */

export interface NetworkNode {
  readonly id: string;
  readonly name: string;
  readonly nameZh?: string;
  readonly kind: string;
  readonly country: string;
  readonly zone: string;
  readonly lat: number;
  readonly lon: number;
  readonly locode?: string;
  readonly iata?: string;
}

export interface NetworkService {
  readonly id: string;
  readonly name: string;
  readonly nameZh?: string;
  readonly corridor: string;
  readonly mode: string;
  readonly operator: string;
  readonly legs: readonly { from: string; to: string; distanceKm: number; transitMinutes: number }[];
  readonly capacity: { containers: readonly { type: string; count: number }[]; weightKg?: number };
}

export interface Equipment {
  readonly type: string;
  readonly name: string;
  readonly innerLengthMm: number;
  readonly innerWidthMm: number;
  readonly innerHeightMm: number;
  readonly payloadG: number;
}

export interface Network {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly hub: string;
  readonly nodes: readonly NetworkNode[];
  readonly services: readonly NetworkService[];
  readonly transfers: readonly { from: string; to: string }[];
  readonly disruptions: readonly {
    readonly id: string;
    readonly nodeId?: string;
    readonly serviceId?: string;
    readonly from: string;
    readonly to: string;
    readonly effect: 'closed' | 'delayed';
    readonly reason: string;
  }[];
  readonly equipment: readonly Equipment[];
  readonly lastMile: readonly { country: string; gateways: readonly string[] }[];
}

interface Amount {
  readonly minor: number;
  readonly answerMinor: number;
}

export interface LandedCostAnswer {
  readonly answerCurrency: string;
  readonly ruleSet: { name: string };
  readonly tier: { name: string };
  readonly goodsValue: Amount;
  readonly shipping: Amount;
  readonly insurance: Amount;
  readonly duties: readonly { name: string; amount: Amount; rate?: string; payer?: string; note?: string }[];
  readonly vat: readonly { rate: string; amount: Amount; payer?: string }[];
  readonly fees: readonly { name: string; amount: Amount; payer?: string }[];
  readonly totals: { total: Amount };
  readonly notes?: readonly string[];
}

/**
 * Where one box goes: millimetres from the container's inner corner at the closed end, on the floor, on
 * the left: x along the length towards the doors, y across, z up; dx, dy, dz as placed.
 */
export interface Placement {
  readonly boxId: string;
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly dx: number;
  readonly dy: number;
  readonly dz: number;
}

export interface LoadPlan {
  readonly container: { lengthMm: number; widthMm: number; heightMm: number };
  readonly placements: readonly Placement[];
  readonly unplaced: readonly string[];
  readonly volumeUtilisation: number;
  readonly weightUtilisation: number;
  readonly check?: { valid: boolean };
}

export type LoadPlanAnswer = LoadPlan;
