import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type * as api from '../../api/index.ts';
import * as apiCalls from '../../api/index.ts';
import { Card, ErrorBox, Loading, Meter } from '../../components/common.tsx';
import { CORRIDOR_COLOURS, CORRIDOR_ORDER } from '../../corridors.ts';
import {
  addDays,
  formatInZone,
  formatKg,
  formatNumber,
  formatPercent,
  todayIn,
  zoneName,
} from '../../format.ts';
import { type AsyncState, useAsync } from '../../hooks.ts';
import { serviceName } from '../../names.ts';
import { Link } from '../../router.tsx';
import { useSignedIn } from '../../session.tsx';

/** Departures listed before "show all": the next ones are what a planner looks at. */
const FIRST_ROWS = 40;

/** Containers a departure can take, from the network: "35 × 45G1, 8 × 22G1" or "15,000 kg". */
function capacityOf(s: api.NetworkService | undefined, locale: string): string {
  if (!s) return '';
  const containers = s.capacity.containers.map((c) => `${c.count} × ${c.type}`).join(', ');
  return containers || (s.capacity.weightKg ? `${formatNumber(s.capacity.weightKg, locale)} kg` : '');
}

/**
 * Departures still to leave, from now to the end of the horizon: every time in the hub's zone (named in
 * the header), never a departure that has already gone.
 */
export function useDepartures(key: string, hubZone: string, days: number): AsyncState<api.Departure[]> {
  return useAsync(async () => {
    const nowMs = Date.now();
    const to = addDays(todayIn(hubZone, nowMs), days);
    const list = await apiCalls.departures(key, new Date(nowMs).toISOString(), to);
    return list.filter((d) => Date.parse(d.departAt) > nowMs);
  }, [key, hubZone, days]);
}

export function DeparturesTable({
  departures,
  plan,
  days,
}: {
  departures: AsyncState<api.Departure[]>;
  plan: api.Plan | undefined;
  days: number;
}) {
  const { t } = useTranslation();
  const { network, locale, hubZone } = useSignedIn();
  const [corridor, setCorridor] = useState('');
  const [plannedOnly, setPlannedOnly] = useState(true);
  const [all, setAll] = useState(false);
  const services = useMemo(() => new Map(network.services.map((s) => [s.id, s])), [network]);
  const planned = useMemo(() => new Map((plan?.result?.departures ?? []).map((d) => [d.id, d])), [plan]);
  const hasPlan = Boolean(plan?.result);
  const rows = (departures.data ?? [])
    .filter((d) => !corridor || d.corridor === corridor)
    .filter((d) => !plannedOnly || !hasPlan || planned.has(d.id));

  return (
    <Card title={t('board.departures', { count: days })} wide id="departures">
      <div className="filters">
        <label>
          <span>{t('board.corridor')}</span>
          <select value={corridor} onChange={(e) => setCorridor(e.target.value)}>
            <option value="">{t('common.all')}</option>
            {CORRIDOR_ORDER.filter((c) => network.services.some((x) => x.corridor === c)).map((c) => (
              <option key={c} value={c}>
                {t(`corridor.${c}`)}
              </option>
            ))}
          </select>
        </label>
        {hasPlan ? (
          <label className="check">
            <input type="checkbox" checked={plannedOnly} onChange={(e) => setPlannedOnly(e.target.checked)} />
            <span>{t('board.plannedOnly')}</span>
          </label>
        ) : null}
      </div>
      <p className="muted" data-testid="departures-zone">
        {t('board.timesIn', { zone: hubZone, name: zoneName(hubZone, locale) })}
      </p>
      <ErrorBox error={departures.error} />
      {departures.loading && !departures.data ? <Loading /> : null}
      {departures.data ? (
        <div className="table-wrap">
          <table data-testid="departures-table" className="departures">
            <thead>
              <tr>
                <th scope="col">{t('board.service')}</th>
                <th scope="col">{t('board.departs')}</th>
                <th scope="col">{t('board.cutoff')}</th>
                <th scope="col">{t('board.arrives')}</th>
                <th scope="col">{t('board.capacity')}</th>
                <th scope="col">{t('board.containers')}</th>
              </tr>
            </thead>
            <tbody>
              {(all ? rows : rows.slice(0, FIRST_ROWS)).map((d) => {
                const s = services.get(d.serviceId);
                const p = planned.get(d.id);
                return (
                  <tr
                    key={d.id}
                    data-depart-at={d.departAt}
                    className={d.cancelledBy ? 'cancelled' : undefined}
                  >
                    <td>
                      <span
                        className="swatch"
                        style={{ background: CORRIDOR_COLOURS[d.corridor] }}
                        aria-hidden="true"
                      />
                      {s ? serviceName(s, locale) : d.serviceId}
                      <div className="muted">
                        {t(`corridor.${d.corridor}`)} · {t(`mode.${d.mode}`)}
                        {d.cancelledBy ? ` · ${t('board.cancelled')}` : ''}
                        {d.delayMinutes > 0 ? ` · ${t('board.delayed', { minutes: d.delayMinutes })}` : ''}
                      </div>
                    </td>
                    <td>{formatInZone(d.departAt, hubZone, locale)}</td>
                    <td>{formatInZone(d.cutoffAt, hubZone, locale)}</td>
                    <td>{formatInZone(d.arriveAt, hubZone, locale)}</td>
                    <td>{capacityOf(s, locale)}</td>
                    <td>
                      {p && p.containers.length > 0 ? (
                        <ul className="containers">
                          {p.containers.map((c) => (
                            <li key={c.id}>
                              <Link
                                to={`/container?plan=${encodeURIComponent(plan?.id ?? '')}&container=${encodeURIComponent(c.id)}`}
                              >
                                {c.type}
                              </Link>{' '}
                              <span className="muted">
                                {t('board.parcelsIn', {
                                  count: c.parcels,
                                  n: formatNumber(c.parcels, locale),
                                })}
                              </span>
                              <Meter
                                value={c.volumeUtilisation}
                                label={t('board.volumeUtil', {
                                  value: formatPercent(c.volumeUtilisation, locale, 0),
                                })}
                              />
                              <span className="util">
                                {t('board.util', {
                                  volume: formatPercent(c.volumeUtilisation, locale, 0),
                                  weight: formatPercent(c.weightUtilisation, locale, 0),
                                })}
                              </span>
                            </li>
                          ))}
                        </ul>
                      ) : p && p.looseWeightG > 0 ? (
                        t('board.loose', { weight: formatKg(p.looseWeightG, locale) })
                      ) : (
                        <span className="muted">{hasPlan ? t('board.nothingPlanned') : '—'}</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {rows.length === 0 ? <p className="muted">{t('board.noDepartures')}</p> : null}
          {!all && rows.length > FIRST_ROWS ? (
            <button
              type="button"
              className="secondary"
              onClick={() => setAll(true)}
              data-testid="all-departures"
            >
              {t('board.showAll', { count: rows.length, n: formatNumber(rows.length, locale) })}
            </button>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}
