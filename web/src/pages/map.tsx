import { geoGraticule10, geoNaturalEarth1, geoPath } from 'd3-geo';
import type { Feature, FeatureCollection, Geometry, MultiLineString } from 'geojson';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries110m from 'world-atlas/countries-110m.json';
import * as api from '../api/index.ts';
import { Card, ErrorBox, PageTitle } from '../components/common.tsx';
import { CORRIDOR_ORDER, MODE_COLOURS, MODE_DASH } from '../corridors.ts';
import { addDays, formatInstant, formatKg, formatNumber, todayIn } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { nodeName, serviceName, shortNodeName } from '../names.ts';
import { useSignedIn } from '../session.tsx';

const WIDTH = 1000;
const HEIGHT = 520;

/** Natural Earth 1:110m countries (public domain, via the world-atlas package): shipped, never fetched. */
const topology = countries110m as unknown as Topology<{ countries: GeometryCollection }>;
const land = feature(topology, topology.objects.countries) as FeatureCollection;
const borders = mesh(topology, topology.objects.countries, (a, b) => a !== b) as MultiLineString;

/** Centred on 150°E, as maps printed in China are: Europe left, the Americas right, the cut in the Atlantic. */
const projection = geoNaturalEarth1()
  .rotate([-150, 0])
  .fitExtent(
    [
      [4, 4],
      [WIDTH - 4, HEIGHT - 4],
    ],
    { type: 'Sphere' },
  );
const path = geoPath(projection);

const REGIONS = {
  world: [-180, -58, 180, 78],
  eurasia: [-12, 0, 125, 62],
  asia: [70, -12, 150, 50],
} as const satisfies Record<string, readonly [number, number, number, number]>;
type Region = keyof typeof REGIONS;

/** The viewBox that shows a lon/lat box. */
function viewBoxOf(region: Region): string {
  if (region === 'world') return `0 0 ${WIDTH} ${HEIGHT}`;
  const [w, s, e, n] = REGIONS[region];
  const pts = [
    [w, s],
    [e, s],
    [w, n],
    [e, n],
    [(w + e) / 2, n],
    [(w + e) / 2, s],
  ].map((p): [number, number] => projection(p as [number, number]) ?? [0, 0]);
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const x0 = Math.min(...xs);
  const y0 = Math.min(...ys);
  return `${x0} ${y0} ${Math.max(...xs) - x0} ${Math.max(...ys) - y0}`;
}

function inForce(d: api.Network['disruptions'][number], nowMs: number): boolean {
  return Date.parse(d.from) <= nowMs && nowMs < Date.parse(d.to);
}

/** Corridor map: the world, the corridors by mode, the hub, gateways and border crossings, today's flows. */
export function MapPage() {
  const { t } = useTranslation();
  const { session, network, locale, hubZone } = useSignedIn();
  const [region, setRegion] = useState<Region>('world');
  const [focus, setFocus] = useState<string>();
  const today = todayIn(hubZone);
  const deps = useAsync(() => api.departures(session.key, today, addDays(today, 1)), [session.key, today]);
  const plan = useAsync(
    () => api.latestPlan(session.key, session.principal.role === 'operator'),
    [session.key],
  );

  const nodes = useMemo(() => new Map(network.nodes.map((n) => [n.id, n])), [network]);
  const gateways = useMemo(() => new Set(network.lastMile.flatMap((z) => z.gateways)), [network]);
  const nowMs = Date.now();
  const disruptions = network.disruptions.filter((d) => inForce(d, nowMs));
  const closedNodes = new Set(disruptions.map((d) => d.nodeId).filter(Boolean));
  const disruptedServices = new Set(disruptions.map((d) => d.serviceId).filter(Boolean));

  const todayByService = useMemo(() => {
    const m = new Map<string, number>();
    for (const d of deps.data ?? []) if (!d.cancelledBy) m.set(d.serviceId, (m.get(d.serviceId) ?? 0) + 1);
    return m;
  }, [deps.data]);
  const plannedByService = useMemo(() => {
    const m = new Map<string, number>();
    for (const d of plan.data?.result?.departures ?? [])
      m.set(
        d.serviceId,
        (m.get(d.serviceId) ?? 0) + d.looseWeightG + d.containers.reduce((sum, c) => sum + c.weightG, 0),
      );
    return m;
  }, [plan.data]);
  const maxPlanned = Math.max(1, ...plannedByService.values());
  const hasPlan = plannedByService.size > 0;

  const name = (n: api.NetworkNode) => nodeName(n, locale);
  /** A short label for the map: the name before any parenthesis. */
  const shortName = (n: api.NetworkNode) => shortNodeName(n, locale);
  const widthOf = (serviceId: string) => {
    if (!hasPlan) return 1.6;
    const v = plannedByService.get(serviceId) ?? 0;
    return v === 0 ? 0.8 : 1.5 + 9 * Math.sqrt(v / maxPlanned);
  };
  const serviceLines = network.services.map((s) => {
    const geometry: Geometry = {
      type: 'MultiLineString',
      coordinates: s.legs
        .map((l) => [nodes.get(l.from), nodes.get(l.to)])
        .filter((p): p is [api.NetworkNode, api.NetworkNode] => Boolean(p[0] && p[1]))
        .map(([a, b]) => [
          [a.lon, a.lat],
          [b.lon, b.lat],
        ]),
    };
    return { service: s, d: path(geometry as Feature['geometry']) ?? '' };
  });
  const transferLines = network.transfers.map((tr, i) => {
    const a = nodes.get(tr.from);
    const b = nodes.get(tr.to);
    return {
      key: `${tr.from}-${tr.to}-${i}`,
      d:
        a && b
          ? (path({
              type: 'LineString',
              coordinates: [
                [a.lon, a.lat],
                [b.lon, b.lat],
              ],
            }) ?? '')
          : '',
    };
  });
  // Draw the thin lines first and the fat ones on top.
  serviceLines.sort((a, b) => widthOf(a.service.id) - widthOf(b.service.id));
  const scale = region === 'world' ? 1 : 0.45;
  const modes = [...new Set(network.services.map((s) => s.mode))];

  return (
    <div>
      <PageTitle title={t('map.title')}>
        <fieldset className="segmented">
          <legend className="sr-only">{t('map.region')}</legend>
          {(Object.keys(REGIONS) as Region[]).map((r) => (
            <button key={r} type="button" aria-pressed={region === r} onClick={() => setRegion(r)}>
              {t(`map.regions.${r}`)}
            </button>
          ))}
        </fieldset>
      </PageTitle>
      <ErrorBox error={deps.error ?? plan.error} />
      {disruptions.length > 0 ? (
        <div className="disruption-banner" role="status" data-testid="disruptions">
          <strong>{t('map.disruptionsInForce')}</strong>
          <ul>
            {disruptions.map((d) => (
              <li key={d.id}>
                {d.nodeId
                  ? nodes.get(d.nodeId)
                    ? name(nodes.get(d.nodeId)!)
                    : d.nodeId
                  : (() => {
                      const s = network.services.find((x) => x.id === d.serviceId);
                      return s ? serviceName(s, locale) : d.serviceId;
                    })()}
                {' · '}
                {t(`map.effect.${d.effect}`, { minutes: (d as { delayMinutes?: number }).delayMinutes ?? 0 })}{' '}
                · {d.reason} · {t('map.until', { at: formatInstant(d.to, hubZone, locale) })}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="map-layout">
        <figure className="map-figure">
          <svg
            viewBox={viewBoxOf(region)}
            className="world-map"
            role="img"
            aria-labelledby="map-title map-desc"
            data-testid="corridor-map"
          >
            <title id="map-title">{t('map.title')}</title>
            <desc id="map-desc">
              {t('map.description', { services: network.services.length, nodes: network.nodes.length })}
            </desc>
            <path d={path({ type: 'Sphere' }) ?? ''} className="sea" />
            <path d={path(geoGraticule10()) ?? ''} className="graticule" />
            <g className="land">
              {land.features.map((f, i) => (
                <path key={i} d={path(f) ?? ''} />
              ))}
            </g>
            <path d={path(borders) ?? ''} className="borders" />
            <g className="transfers">
              {transferLines.map((l) => (
                <path key={l.key} d={l.d} stroke={MODE_COLOURS.road} strokeDasharray={MODE_DASH.road} />
              ))}
            </g>
            <g className="services" fill="none" strokeLinecap="round">
              {serviceLines.map(({ service: s, d }) => {
                const disrupted = disruptedServices.has(s.id);
                const dim = focus !== undefined && focus !== s.corridor;
                return (
                  <path
                    key={s.id}
                    d={d}
                    stroke={disrupted ? '#b00020' : (MODE_COLOURS[s.mode] ?? '#555')}
                    strokeWidth={widthOf(s.id) * scale}
                    strokeDasharray={disrupted ? '3 3' : MODE_DASH[s.mode]}
                    opacity={dim ? 0.15 : 0.85}
                    data-service={s.id}
                  >
                    <title>
                      {`${locale.startsWith('zh') && s.nameZh ? s.nameZh : s.name} · ${t(`mode.${s.mode}`)} · ${t('map.todayDepartures', { count: todayByService.get(s.id) ?? 0 })}${hasPlan ? ` · ${t('map.plannedWeight', { weight: formatKg(plannedByService.get(s.id) ?? 0, locale) })}` : ''}`}
                    </title>
                  </path>
                );
              })}
            </g>
            <g className="nodes">
              {network.nodes.map((n) => {
                const p = projection([n.lon, n.lat]);
                if (!p) return null;
                const isHub = n.id === network.hub;
                const closed = closedNodes.has(n.id);
                const kind = isHub
                  ? 'hub'
                  : n.kind === 'border-crossing'
                    ? 'border'
                    : gateways.has(n.id)
                      ? 'gateway'
                      : 'node';
                const r =
                  (isHub ? 7 : kind === 'border' ? 4.5 : kind === 'gateway' ? 3.5 : 2.5) *
                  (region === 'world' ? 1 : 0.5);
                const label = `${name(n)} (${t(`nodeKind.${kind === 'node' ? n.kind : kind}`)}${closed ? `, ${t('map.closed')}` : ''})`;
                return (
                  <g
                    key={n.id}
                    transform={`translate(${p[0]},${p[1]})`}
                    className={`node node-${kind}${closed ? ' node-closed' : ''}`}
                  >
                    <title>{label}</title>
                    {kind === 'border' ? (
                      <rect x={-r} y={-r} width={2 * r} height={2 * r} transform="rotate(45)" />
                    ) : (
                      <circle r={r} />
                    )}
                    {closed ? <circle r={r * 2.2} className="closed-ring" /> : null}
                    {isHub ? (
                      <text x={r + 3} y={4} className="node-label" fontSize={region === 'world' ? 12 : 6}>
                        {shortName(n)}
                      </text>
                    ) : null}
                  </g>
                );
              })}
            </g>
          </svg>
          <figcaption className="hint">{t('map.caption')}</figcaption>
        </figure>
        <aside className="map-side">
          <Card title={t('map.legend')}>
            <ul className="legend">
              {modes.map((m) => (
                <li key={m}>
                  <svg width="36" height="10" aria-hidden="true">
                    <line
                      x1="0"
                      y1="5"
                      x2="36"
                      y2="5"
                      stroke={MODE_COLOURS[m]}
                      strokeWidth="3"
                      strokeDasharray={MODE_DASH[m]}
                    />
                  </svg>
                  {t(`mode.${m}`)}
                </li>
              ))}
              <li>
                <svg width="36" height="14" aria-hidden="true">
                  <circle cx="18" cy="7" r="6" className="legend-hub" />
                </svg>
                {t('nodeKind.hub')}
              </li>
              <li>
                <svg width="36" height="14" aria-hidden="true">
                  <rect
                    x="14"
                    y="3"
                    width="8"
                    height="8"
                    className="legend-border"
                    transform="rotate(45 18 7)"
                  />
                </svg>
                {t('nodeKind.border')}
              </li>
              <li>
                <svg width="36" height="14" aria-hidden="true">
                  <circle cx="18" cy="7" r="4" className="legend-gateway" />
                </svg>
                {t('nodeKind.gateway')}
              </li>
            </ul>
            <p className="hint">{hasPlan ? t('map.widthByPlan') : t('map.widthNoPlan')}</p>
          </Card>
          <Card title={t('map.flowsToday')}>
            <table data-testid="map-flows">
              <thead>
                <tr>
                  <th scope="col">{t('map.corridor')}</th>
                  <th scope="col" className="num">
                    {t('map.departuresToday')}
                  </th>
                  {hasPlan ? (
                    <th scope="col" className="num">
                      {t('map.planned')}
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {CORRIDOR_ORDER.filter((c) => network.services.some((s) => s.corridor === c)).map((c) => {
                  const ids = network.services.filter((s) => s.corridor === c).map((s) => s.id);
                  return (
                    <tr key={c}>
                      <th scope="row">
                        <button
                          type="button"
                          className="link-button"
                          aria-pressed={focus === c}
                          onClick={() => setFocus(focus === c ? undefined : c)}
                        >
                          {t(`corridor.${c}`)}
                        </button>
                      </th>
                      <td className="num">
                        {formatNumber(
                          ids.reduce((s, id) => s + (todayByService.get(id) ?? 0), 0),
                          locale,
                        )}
                      </td>
                      {hasPlan ? (
                        <td className="num">
                          {formatKg(
                            ids.reduce((s, id) => s + (plannedByService.get(id) ?? 0), 0),
                            locale,
                          )}
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <p className="hint">{t('map.focusHint')}</p>
          </Card>
        </aside>
      </div>
    </div>
  );
}
