import { describe, expect, it } from 'vitest';
import { type Network, type NetworkInput, NetworkSchema } from '../domain/index.ts';
import { checkNetwork } from './check.ts';
import { expandDepartures } from './departures.ts';

const leg = (from: string, to: string, hours: number, dwellHours = 0) => ({
  from,
  to,
  transitMinutes: hours * 60,
  dwellMinutes: dwellHours * 60,
  distanceKm: 1000,
  co2eGPerTkm: 20,
});

function smallNetwork(extra: Partial<NetworkInput> = {}): Network {
  return NetworkSchema.parse({
    id: 'test',
    name: 'test',
    version: '1',
    hub: 'hub',
    equipment: [
      {
        type: '45G1',
        name: "40' high cube",
        innerLengthMm: 12032,
        innerWidthMm: 2352,
        innerHeightMm: 2698,
        payloadG: 26_500_000,
        tareG: 3_900_000,
        teu: 2,
      },
    ],
    nodes: [
      { id: 'hub', name: 'Hub', kind: 'hub', country: 'CN', zone: 'Asia/Shanghai', lat: 29.6, lon: 106.3 },
      {
        id: 'border',
        name: 'Border',
        kind: 'border-crossing',
        country: 'CN',
        zone: 'Asia/Urumqi',
        lat: 45,
        lon: 82,
      },
      {
        id: 'waw',
        name: 'Warsaw',
        kind: 'rail-terminal',
        country: 'PL',
        zone: 'Europe/Warsaw',
        lat: 52.2,
        lon: 21,
      },
    ],
    services: [
      {
        id: 'train',
        name: 'Train',
        corridor: 'cr-express',
        mode: 'rail',
        operator: 'Test',
        legs: [leg('hub', 'border', 72, 12), leg('border', 'waw', 200)],
        schedule: { days: ['mon', 'thu'], times: ['10:00'] },
        cutoffMinutes: 24 * 60,
        capacity: { containers: [{ type: '45G1', count: 40 }] },
        tariff: { currency: 'USD', perContainerMinor: { '45G1': 650_000 } },
      },
      {
        id: 'back',
        name: 'Return',
        corridor: 'cr-express',
        mode: 'rail',
        operator: 'Test',
        legs: [leg('waw', 'hub', 300)],
        schedule: { days: ['sun'], times: ['10:00'] },
        cutoffMinutes: 0,
        capacity: { containers: [{ type: '45G1', count: 40 }] },
        tariff: { currency: 'USD', perContainerMinor: { '45G1': 300_000 } },
      },
    ],
    ...extra,
  });
}

const ms = (iso: string) => Date.parse(iso);

describe('expandDepartures', () => {
  it('expands a weekly schedule in the origin zone, with leg times and dwell', () => {
    const deps = expandDepartures(
      smallNetwork(),
      ms('2026-11-30T00:00:00+08:00'),
      ms('2026-12-07T00:00:00+08:00'),
    );
    const trains = deps.filter((d) => d.serviceId === 'train');
    expect(trains.map((d) => d.id)).toEqual(['train@2026-11-30T10:00', 'train@2026-12-03T10:00']);
    const first = trains[0]!;
    expect(new Date(first.departAtMs).toISOString()).toBe('2026-11-30T02:00:00.000Z');
    expect(new Date(first.cutoffAtMs).toISOString()).toBe('2026-11-29T02:00:00.000Z');
    expect(first.legs[0]!.arriveAtMs - first.departAtMs).toBe(72 * 3_600_000);
    expect(first.legs[1]!.departAtMs - first.legs[0]!.arriveAtMs).toBe(12 * 3_600_000);
    expect(first.arriveAtMs - first.departAtMs).toBe((72 + 12 + 200) * 3_600_000);
  });

  it('returns departures in time order over a long horizon, each run once', () => {
    const from = ms('2026-01-01T00:00:00Z');
    const deps = expandDepartures(smallNetwork(), from, from + 365 * 86_400_000);
    // 2026 has 52 Mondays and 53 Thursdays.
    expect(deps.filter((d) => d.serviceId === 'train')).toHaveLength(105);
    expect(new Set(deps.map((d) => d.id)).size).toBe(deps.length);
    for (let i = 1; i < deps.length; i++)
      expect(deps[i]!.departAtMs).toBeGreaterThanOrEqual(deps[i - 1]!.departAtMs);
  });

  it('keeps a Warsaw departure at 10:00 local across DST', () => {
    const deps = expandDepartures(
      smallNetwork(),
      ms('2026-03-20T00:00:00Z'),
      ms('2026-04-06T00:00:00Z'),
    ).filter((d) => d.serviceId === 'back');
    expect(deps.map((d) => new Date(d.departAtMs).toISOString())).toEqual([
      '2026-03-22T09:00:00.000Z',
      '2026-03-29T08:00:00.000Z',
      '2026-04-05T08:00:00.000Z',
    ]);
  });

  it('honours validFrom and validTo', () => {
    const net = smallNetwork();
    const train = net.services[0]!;
    const limited = {
      ...net,
      services: [
        { ...train, schedule: { ...train.schedule, validFrom: '2026-12-01', validTo: '2026-12-10' } },
      ],
    };
    const deps = expandDepartures(limited, ms('2026-11-01T00:00:00Z'), ms('2027-01-01T00:00:00Z'));
    expect(deps.map((d) => d.id)).toEqual([
      'train@2026-12-03T10:00',
      'train@2026-12-07T10:00',
      'train@2026-12-10T10:00',
    ]);
  });

  it('cancels exactly the runs at a closed node inside its window', () => {
    const net = smallNetwork({
      disruptions: [
        {
          id: 'border-closed',
          nodeId: 'border',
          from: '2026-12-05T00:00:00Z',
          to: '2026-12-12T00:00:00Z',
          effect: 'closed',
          reason: 'test',
        },
      ],
    });
    const window = [ms('2026-11-25T00:00:00Z'), ms('2026-12-20T00:00:00Z')] as const;
    const all = expandDepartures(net, ...window, { includeCancelled: true }).filter(
      (d) => d.serviceId === 'train',
    );
    for (const d of all) {
      const atBorder = d.legs[0]!.arriveAtMs;
      const leaves = d.legs[1]!.departAtMs;
      const inWindow = (t: number) => t >= ms('2026-12-05T00:00:00Z') && t < ms('2026-12-12T00:00:00Z');
      expect(d.cancelledBy !== undefined).toBe(inWindow(atBorder) || inWindow(leaves));
    }
    const running = expandDepartures(net, ...window);
    expect(running.every((d) => d.cancelledBy === undefined)).toBe(true);
    expect(running.filter((d) => d.serviceId === 'train').length).toBeLessThan(all.length);
  });

  it('delays the legs after a slowed node, and a whole run of a delayed service', () => {
    const net = smallNetwork({
      disruptions: [
        {
          id: 'slow-border',
          nodeId: 'border',
          from: '2026-11-01T00:00:00Z',
          to: '2027-01-01T00:00:00Z',
          effect: 'delayed',
          delayMinutes: 600,
          reason: 'queue at the gauge change',
        },
      ],
    });
    const plain = expandDepartures(
      smallNetwork(),
      ms('2026-11-30T00:00:00Z'),
      ms('2026-12-01T00:00:00Z'),
    )[0]!;
    const slow = expandDepartures(net, ms('2026-11-30T00:00:00Z'), ms('2026-12-01T00:00:00Z'))[0]!;
    expect(slow.delayMinutes).toBe(600);
    expect(slow.departAtMs).toBe(plain.departAtMs);
    expect(slow.legs[0]!.arriveAtMs).toBe(plain.legs[0]!.arriveAtMs);
    expect(slow.arriveAtMs - plain.arriveAtMs).toBe(600 * 60_000);
  });
});

describe('checkNetwork', () => {
  it('accepts a sound network', () => {
    expect(checkNetwork(smallNetwork())).toEqual([]);
  });

  it('names unknown nodes, broken leg chains and unknown sources', () => {
    const net = smallNetwork();
    const train = net.services[0]!;
    const broken: Network = {
      ...net,
      services: [
        {
          ...train,
          legs: [train.legs[0]!, { ...train.legs[1]!, from: 'nowhere' }],
          sources: ['missing-source'],
        },
      ],
    };
    const problems = checkNetwork(broken, 'net.yaml');
    expect(problems).toContainEqual({
      where: { file: 'net.yaml', field: 'services.0.legs.1.from' },
      why: 'unknown node nowhere',
    });
    expect(problems).toContainEqual({
      where: { file: 'net.yaml', field: 'services.0.legs.1.from' },
      why: 'leg starts at nowhere, not at border',
    });
    expect(problems).toContainEqual({
      where: { file: 'net.yaml', field: 'services.0.sources.0' },
      why: 'unknown source missing-source',
    });
  });
});
