import type { Network, Problem } from '../domain/index.ts';

/**
 * Checks what a schema cannot: that every id a network refers to exists, that legs chain, that ids are
 * unique, and that every last-mile zone can be reached from the hub. Returns the problems found (none
 * when the network is sound); `file` names the source in each problem.
 */
export function checkNetwork(network: Network, file?: string): Problem[] {
  const problems: Problem[] = [];
  const where = (field: string) => ({ ...(file ? { file } : {}), field });
  const nodeIds = new Set<string>();
  network.nodes.forEach((n, i) => {
    if (nodeIds.has(n.id)) problems.push({ where: where(`nodes.${i}.id`), why: `duplicate node id ${n.id}` });
    nodeIds.add(n.id);
  });
  const sourceIds = new Set(network.sources.map((s) => s.id));
  const checkSources = (refs: readonly string[], field: string) => {
    refs.forEach((ref, i) => {
      if (!sourceIds.has(ref))
        problems.push({ where: where(`${field}.sources.${i}`), why: `unknown source ${ref}` });
    });
  };
  const checkNode = (id: string, field: string) => {
    if (!nodeIds.has(id)) problems.push({ where: where(field), why: `unknown node ${id}` });
  };
  if (!nodeIds.has(network.hub)) problems.push({ where: where('hub'), why: `unknown node ${network.hub}` });
  for (const [i, n] of network.nodes.entries()) checkSources(n.sources, `nodes.${i}`);
  for (const [i, e] of network.equipment.entries()) checkSources(e.sources, `equipment.${i}`);
  const equipmentTypes = new Set(network.equipment.map((e) => e.type));
  network.transfers.forEach((t, i) => {
    checkNode(t.from, `transfers.${i}.from`);
    checkNode(t.to, `transfers.${i}.to`);
    checkSources(t.sources, `transfers.${i}`);
  });
  const serviceIds = new Set<string>();
  network.services.forEach((s, i) => {
    const f = `services.${i}`;
    if (serviceIds.has(s.id)) problems.push({ where: where(`${f}.id`), why: `duplicate service id ${s.id}` });
    serviceIds.add(s.id);
    checkSources(s.sources, f);
    checkSources(s.tariff.sources, `${f}.tariff`);
    checkSources(s.capacity.sources, `${f}.capacity`);
    s.legs.forEach((leg, j) => {
      checkNode(leg.from, `${f}.legs.${j}.from`);
      checkNode(leg.to, `${f}.legs.${j}.to`);
      checkSources(leg.sources, `${f}.legs.${j}`);
      const next = s.legs[j + 1];
      if (next && next.from !== leg.to) {
        problems.push({
          where: where(`${f}.legs.${j + 1}.from`),
          why: `leg starts at ${next.from}, not at ${leg.to}`,
        });
      }
      if (leg.from === leg.to)
        problems.push({ where: where(`${f}.legs.${j}`), why: 'a leg must join two nodes' });
    });
    s.capacity.containers.forEach((c, j) => {
      if (!equipmentTypes.has(c.type)) {
        problems.push({
          where: where(`${f}.capacity.containers.${j}.type`),
          why: `no equipment of type ${c.type}`,
        });
      }
      if (s.tariff.perContainerMinor?.[c.type] === undefined && s.tariff.perM3Minor === undefined) {
        problems.push({
          where: where(`${f}.tariff`),
          why: `no rate for ${c.type} containers or container shares`,
        });
      }
    });
  });
  const zoneIds = new Set<string>();
  network.lastMile.forEach((z, i) => {
    if (zoneIds.has(z.id))
      problems.push({ where: where(`lastMile.${i}.id`), why: `duplicate zone id ${z.id}` });
    zoneIds.add(z.id);
    for (const [j, g] of z.gateways.entries()) checkNode(g, `lastMile.${i}.gateways.${j}`);
    for (const g of Object.keys(z.gatewayDays)) {
      if (!z.gateways.includes(g)) {
        problems.push({
          where: where(`lastMile.${i}.gatewayDays.${g}`),
          why: `${g} is not one of the zone's gateways`,
        });
      }
    }
    checkSources(z.sources, `lastMile.${i}`);
  });
  network.disruptions.forEach((d, i) => {
    if (d.nodeId !== undefined) checkNode(d.nodeId, `disruptions.${i}.nodeId`);
    if (d.serviceId !== undefined && !serviceIds.has(d.serviceId)) {
      problems.push({ where: where(`disruptions.${i}.serviceId`), why: `unknown service ${d.serviceId}` });
    }
  });
  if (problems.length > 0) return problems;

  const reachable = reachableNodes(network);
  network.lastMile.forEach((z, i) => {
    if (!z.gateways.some((g) => reachable.has(g))) {
      problems.push({
        where: where(`lastMile.${i}.gateways`),
        why: `no gateway of zone ${z.id} is reachable from the hub`,
      });
    }
  });
  return problems;
}

/** Nodes reachable from the hub over transfers and service legs (boarding at any stop, ignoring time). */
export function reachableNodes(network: Network): Set<string> {
  const next = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    const s = next.get(a) ?? new Set<string>();
    next.set(a, s);
    s.add(b);
  };
  for (const t of network.transfers) link(t.from, t.to);
  for (const s of network.services) {
    for (let i = 0; i < s.legs.length; i++)
      for (let j = i; j < s.legs.length; j++) link(s.legs[i]!.from, s.legs[j]!.to);
  }
  const seen = new Set([network.hub]);
  const queue = [network.hub];
  while (queue.length > 0) {
    for (const n of next.get(queue.pop()!) ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        queue.push(n);
      }
    }
  }
  return seen;
}
