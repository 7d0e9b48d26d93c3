import type { Network } from '../domain/index.ts';

/** The tenant id (and hub node) of the sample's second hub: the air hub at the airport free-trade port. */
export const AIR_HUB_ID = 'airport-hub';

/**
 * The sample's second hub: the consolidation centre in the Chongqing airport free-trade port
 * (Konggang, beside Jiangbei airport), which ships by air only. Its network is Xiyong's with the air
 * services alone, the hub node beside CKG and a short trucking transfer to the airport's cargo terminal;
 * the destinations, gateways and last-mile partners are the same. Pure: the same base gives the same
 * network.
 */
export function airHubNetwork(base: Network): Network {
  const services = base.services.filter((s) => s.mode === 'air');
  const airport = base.nodes.find((n) => n.id === 'ckg');
  if (!airport) throw new Error(`network ${base.id} has no node ckg (Chongqing Jiangbei airport)`);
  const network: Network = {
    ...base,
    id: `${base.id}-air`,
    name: 'Landbridge sample network — Chongqing airport free-trade port air hub',
    hub: AIR_HUB_ID,
    nodes: [
      {
        ...withoutIata(airport),
        id: AIR_HUB_ID,
        name: 'Chongqing airport free-trade port air consolidation centre (Konggang, sample)',
        nameZh: '重庆空港保税区跨境电商集货中心（样例）',
        kind: 'hub',
        minTransferMinutes: 90,
        lat: 29.73,
        lon: 106.62,
      },
      ...base.nodes.filter((n) => n.id !== base.hub),
    ],
    transfers: [
      ...base.transfers
        .filter((t) => t.from === base.hub && t.to === 'ckg')
        .map((t) => ({ ...t, from: AIR_HUB_ID, minutes: 20, distanceKm: 5 })),
      ...base.transfers.filter((t) => t.from !== base.hub && t.to !== base.hub),
    ],
    services,
    lastMile: [],
    disruptions: base.disruptions.filter(
      (d) => d.serviceId === undefined || services.some((s) => s.id === d.serviceId),
    ),
  };
  // Last-mile zones whose gateways no flight reaches (Russia, Kazakhstan by rail…) are not this hub's.
  const reached = reachable(network);
  return {
    ...network,
    lastMile: base.lastMile.filter((z) => z.gateways.some((g) => reached.has(g))),
  };
}

/** Nodes reachable from the hub by transfers and service legs. */
function reachable(network: Network): Set<string> {
  const next = new Map<string, string[]>();
  const edge = (from: string, to: string) => next.set(from, [...(next.get(from) ?? []), to]);
  for (const t of network.transfers) edge(t.from, t.to);
  for (const s of network.services) for (const leg of s.legs) edge(leg.from, leg.to);
  const seen = new Set([network.hub]);
  const frontier = [network.hub];
  while (frontier.length > 0)
    for (const to of next.get(frontier.pop()!) ?? [])
      if (!seen.has(to)) {
        seen.add(to);
        frontier.push(to);
      }
  return seen;
}

function withoutIata(node: Network['nodes'][number]): Network['nodes'][number] {
  const { iata: _iata, locode: _locode, ...rest } = node;
  return rest;
}
