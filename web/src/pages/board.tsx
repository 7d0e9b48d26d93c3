import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api.ts';
import { Chart, type ChartOption } from '../components/chart.tsx';
import {
  Card,
  Empty,
  ErrorBox,
  Loading,
  Meter,
  NotAvailable,
  PageTitle,
  Stat,
} from '../components/common.tsx';
import { CORRIDOR_COLOURS, CORRIDOR_ORDER } from '../corridors.ts';
import {
  addDays,
  currencyExponent,
  formatInstant,
  formatKg,
  formatMoney,
  formatNumber,
  formatPercent,
  todayIn,
  toMajor,
} from '../format.ts';
import { useAsync } from '../hooks.ts';
import { Link } from '../router.tsx';
import { useSignedIn } from '../session.tsx';

const HORIZON_DAYS = 3;
const POLL_MS = 1000;

/** Containers a departure can take, from the network: "35 × 45G1, 8 × 22G1" or "15,000 kg". */
function capacityOf(s: api.NetworkService | undefined, locale: string): string {
  if (!s) return '';
  const containers = s.capacity.containers.map((c) => `${c.count} × ${c.type}`).join(', ');
  return containers || (s.capacity.weightKg ? `${formatNumber(s.capacity.weightKg, locale)} kg` : '');
}

/** Follows a plan job until it is done or failed. */
function usePlanJob(key: string, id: string | undefined) {
  const [plan, setPlan] = useState<api.Plan>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (!id) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const p = await api.getPlan(key, id);
        if (stopped) return;
        setPlan(p);
        if (p.status === 'queued' || p.status === 'running') timer = setTimeout(poll, POLL_MS);
      } catch (err) {
        if (!stopped) setError(err);
      }
    };
    setPlan(undefined);
    setError(undefined);
    void poll();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [key, id]);
  return { plan, error };
}

/** Plan board: departures over the horizon with their containers; start, watch and compare plans. */
export function BoardPage() {
  const { t } = useTranslation();
  const { session, features, network, locale, hubZone, currency } = useSignedIn();
  const today = todayIn(hubZone);
  const [days, setDays] = useState(HORIZON_DAYS);
  const [jobId, setJobId] = useState<string>();
  const [startError, setStartError] = useState<unknown>();
  const [starting, setStarting] = useState(false);
  const [basePlan, setBasePlan] = useState<api.Plan>();
  const [corridor, setCorridor] = useState('');
  const [plannedOnly, setPlannedOnly] = useState(true);

  const departures = useAsync(
    () => api.departures(session.key, today, addDays(today, days)),
    [session.key, today, days],
  );
  const plans = useAsync(
    () => (features.plans ? api.listPlans(session.key) : Promise.resolve([] as api.Plan[])),
    [session.key, features],
  );
  const latestDoneId = plans.data?.find((p) => p.status === 'done')?.id;
  const shownId = jobId ?? latestDoneId;
  const job = usePlanJob(session.key, shownId);
  const plan = job.plan;
  const services = useMemo(() => new Map(network.services.map((s) => [s.id, s])), [network]);
  const zoneOf = (nodeId: string | undefined) => network.nodes.find((n) => n.id === nodeId)?.zone;

  useEffect(() => {
    if (plan?.status === 'done' || plan?.status === 'failed') plans.reload();
  }, [plan?.status]);

  const start = async (disruption?: api.PlanParams['disruption']) => {
    setStarting(true);
    setStartError(undefined);
    try {
      if (disruption && plan) setBasePlan(plan);
      else setBasePlan(undefined);
      const { id } = await api.startPlan(session.key, {
        from: today,
        days,
        currency,
        ...(disruption ? { disruption, ...(plan ? { basePlanId: plan.id } : {}) } : {}),
      });
      setJobId(id);
    } catch (err) {
      setStartError(err);
    } finally {
      setStarting(false);
    }
  };

  const planned = useMemo(() => new Map((plan?.departures ?? []).map((d) => [d.id, d])), [plan]);
  const baseDepartures = useMemo(
    () => new Map((basePlan?.departures ?? []).map((d) => [d.id, d])),
    [basePlan],
  );

  const compareChart: ChartOption | undefined = useMemo(() => {
    if (!plan?.summary) return undefined;
    const s = plan.summary;
    const rows = [
      { name: t('board.plan'), value: s.costMinor },
      ...(s.lowerBoundMinor !== undefined ? [{ name: t('board.lowerBound'), value: s.lowerBoundMinor }] : []),
      ...(plan.baseline ? [{ name: t('board.greedy'), value: plan.baseline.costMinor }] : []),
    ];
    return {
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: number) =>
          formatMoney(Math.round(v * 10 ** currencyExponent(s.currency)), s.currency, locale),
      },
      grid: { left: 110, right: 70, top: 10, bottom: 30 },
      xAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatNumber(v, locale) } },
      yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.name) },
      series: [
        {
          type: 'bar',
          data: rows.map((r, i) => ({
            value: toMajor(r.value, s.currency),
            itemStyle: { color: ['#0b4f6c', '#2a9d8f', '#c8553d'][i] },
          })),
          label: {
            show: true,
            position: 'right',
            formatter: (p: { value: number }) =>
              formatMoney(Math.round(p.value * 10 ** currencyExponent(s.currency)), s.currency, locale, true),
          },
        },
      ],
    };
  }, [plan, t, locale]);

  const running = plan && (plan.status === 'queued' || plan.status === 'running');

  return (
    <div>
      <PageTitle title={t('board.title')}>
        <label className="inline-label">
          <span>{t('board.horizon')}</span>
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {[1, 3, 7, 14].map((d) => (
              <option key={d} value={d}>
                {t('board.days', { count: d })}
              </option>
            ))}
          </select>
        </label>
      </PageTitle>

      {features.plans ? (
        <div className="grid">
          <Card title={t('board.planning')} id="planning">
            <div className="actions">
              <button
                type="button"
                onClick={() => void start()}
                disabled={starting || Boolean(running)}
                data-testid="start-plan"
              >
                {t('board.start', { count: days })}
              </button>
            </div>
            <ErrorBox error={startError ?? job.error ?? plans.error} />
            {plan ? (
              <div className="plan-status" data-testid="plan-status" data-status={plan.status}>
                <p>
                  {t('board.planId', { id: plan.id })} · <strong>{t(`planStatus.${plan.status}`)}</strong>
                </p>
                {running ? (
                  <progress max={1} value={plan.progress} aria-label={t('board.progress')}>
                    {formatPercent(plan.progress, locale, 0)}
                  </progress>
                ) : null}
                {plan.error ? <p className="warn">{plan.error}</p> : null}
              </div>
            ) : plans.loading ? (
              <Loading />
            ) : (
              <Empty>{t('board.noPlan')}</Empty>
            )}
          </Card>
          {plan?.summary ? (
            <Card title={t('board.result')} id="plan-result">
              <div className="stats" data-testid="plan-summary">
                <Stat
                  label={t('board.cost')}
                  value={formatMoney(plan.summary.costMinor, plan.summary.currency, locale)}
                />
                {plan.summary.lowerBoundMinor !== undefined ? (
                  <Stat
                    label={t('board.lowerBound')}
                    value={formatMoney(plan.summary.lowerBoundMinor, plan.summary.currency, locale)}
                  />
                ) : null}
                {plan.summary.gapPercent !== undefined ? (
                  <Stat
                    label={t('board.gap')}
                    value={`${formatNumber(plan.summary.gapPercent, locale, 2)} %`}
                  />
                ) : null}
                {plan.summary.onTimeRate !== undefined ? (
                  <Stat
                    label={t('dashboard.onTime')}
                    value={formatPercent(plan.summary.onTimeRate, locale)}
                  />
                ) : null}
                {plan.summary.parcels !== undefined ? (
                  <Stat
                    label={t('board.plannedParcels')}
                    value={formatNumber(plan.summary.planned ?? plan.summary.parcels, locale)}
                    hint={plan.summary.held ? t('board.held', { count: plan.summary.held }) : undefined}
                  />
                ) : null}
                {plan.summary.containers !== undefined ? (
                  <Stat
                    label={t('board.containersUsed')}
                    value={formatNumber(plan.summary.containers, locale)}
                  />
                ) : null}
                {plan.summary.co2eKg !== undefined ? (
                  <Stat label="CO₂e" value={`${formatNumber(plan.summary.co2eKg, locale, 0)} kg`} />
                ) : null}
              </div>
              {plan.baseline ? (
                <p data-testid="vs-greedy">
                  {t('board.vsGreedy', {
                    saving: formatMoney(
                      plan.baseline.costMinor - plan.summary.costMinor,
                      plan.summary.currency,
                      locale,
                    ),
                    percent: formatPercent(
                      plan.baseline.costMinor > 0
                        ? (plan.baseline.costMinor - plan.summary.costMinor) / plan.baseline.costMinor
                        : 0,
                      locale,
                    ),
                  })}
                </p>
              ) : null}
              {compareChart ? <Chart option={compareChart} label={t('board.compare')} height={170} /> : null}
            </Card>
          ) : null}
          {plan?.status === 'done' ? (
            features.planDisruption ? (
              <DisruptionForm
                network={network}
                onApply={(d) => void start(d)}
                busy={starting || Boolean(running)}
              />
            ) : (
              <Card title={t('board.disruption')} id="disruption">
                <NotAvailable what={t('board.disruption')} endpoint="POST /v1/plans { disruption }" />
              </Card>
            )
          ) : null}
          {basePlan && plan?.status === 'done' ? (
            <Card title={t('board.whatMoved')} id="what-moved">
              <p data-testid="moved">
                {plan.moved ? t('board.movedParcels', { count: plan.moved.length }) : t('board.movedUnknown')}
              </p>
              {plan.moved && plan.moved.length > 0 ? (
                <ul className="moved-list">
                  {plan.moved.slice(0, 20).map((m) => (
                    <li key={m.parcelId}>
                      <Link to={`/parcels/${encodeURIComponent(m.parcelId)}`}>{m.parcelId}</Link>
                      {m.from || m.to ? ` · ${m.from ?? '—'} → ${m.to ?? '—'}` : ''}
                    </li>
                  ))}
                </ul>
              ) : null}
            </Card>
          ) : null}
        </div>
      ) : (
        <NotAvailable what={t('board.planning')} endpoint="POST /v1/plans" />
      )}

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
          {plan?.summary ? (
            <label className="check">
              <input
                type="checkbox"
                checked={plannedOnly}
                onChange={(e) => setPlannedOnly(e.target.checked)}
              />
              <span>{t('board.plannedOnly')}</span>
            </label>
          ) : null}
        </div>
        <ErrorBox error={departures.error} />
        {departures.loading && !departures.data ? <Loading /> : null}
        {departures.data ? (
          <div className="table-wrap">
            <table data-testid="departures-table">
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
                {departures.data
                  .filter((d) => !corridor || d.corridor === corridor)
                  .filter(
                    (d) => !plannedOnly || !plan?.summary || planned.has(d.id) || baseDepartures.has(d.id),
                  )
                  .map((d) => {
                    const s = services.get(d.serviceId);
                    const p = planned.get(d.id);
                    const before = baseDepartures.get(d.id);
                    const changed = basePlan && (before?.parcels ?? 0) !== (p?.parcels ?? 0);
                    return (
                      <tr
                        key={d.id}
                        className={d.cancelledBy ? 'cancelled' : changed ? 'changed' : undefined}
                      >
                        <td>
                          <span
                            className="swatch"
                            style={{ background: CORRIDOR_COLOURS[d.corridor] }}
                            aria-hidden="true"
                          />
                          {s ? (locale.startsWith('zh') && s.nameZh ? s.nameZh : s.name) : d.serviceId}
                          <div className="muted">
                            {t(`corridor.${d.corridor}`)} · {t(`mode.${d.mode}`)}
                            {d.cancelledBy ? ` · ${t('board.cancelled')}` : ''}
                            {d.delayMinutes > 0
                              ? ` · ${t('board.delayed', { minutes: d.delayMinutes })}`
                              : ''}
                          </div>
                        </td>
                        <td>{formatInstant(d.departAt, zoneOf(d.origin), locale)}</td>
                        <td>{formatInstant(d.cutoffAt, zoneOf(d.origin), locale)}</td>
                        <td>{formatInstant(d.arriveAt, zoneOf(d.destination), locale)}</td>
                        <td>{capacityOf(s, locale)}</td>
                        <td>
                          {p && p.containers.length > 0 ? (
                            <ul className="containers">
                              {p.containers.map((c) => (
                                <li key={c.id}>
                                  <Link
                                    to={`/container?plan=${encodeURIComponent(plan?.id ?? '')}&departure=${encodeURIComponent(d.id)}&container=${encodeURIComponent(c.id)}`}
                                  >
                                    {c.type || c.id}
                                  </Link>{' '}
                                  <span className="muted">{t('board.parcelsIn', { count: c.parcels })}</span>
                                  <Meter
                                    value={c.volumeUtil}
                                    label={t('board.volumeUtil', {
                                      value: formatPercent(c.volumeUtil, locale, 0),
                                    })}
                                  />
                                  <span className="util">
                                    {t('board.util', {
                                      volume: formatPercent(c.volumeUtil, locale, 0),
                                      weight: formatPercent(c.weightUtil, locale, 0),
                                    })}
                                  </span>
                                </li>
                              ))}
                            </ul>
                          ) : p && p.looseWeightG > 0 ? (
                            t('board.loose', { weight: formatKg(p.looseWeightG, locale) })
                          ) : p && p.parcels > 0 ? (
                            t('board.parcelsIn', { count: p.parcels })
                          ) : changed ? (
                            t('board.emptied', { count: before?.parcels ?? 0 })
                          ) : (
                            <span className="muted">{plan ? t('board.nothingPlanned') : '—'}</span>
                          )}
                        </td>
                      </tr>
                    );
                  })}
              </tbody>
            </table>
          </div>
        ) : null}
      </Card>
    </div>
  );
}

/** Close a node or a service over a window, then re-plan from the current plan. */
function DisruptionForm({
  network,
  onApply,
  busy,
}: {
  network: api.Network;
  onApply: (d: NonNullable<api.PlanParams['disruption']>) => void;
  busy: boolean;
}) {
  const { t, i18n } = useTranslation();
  const crossings = network.nodes.filter((n) => n.kind === 'border-crossing');
  const [target, setTarget] = useState(
    crossings[0] ? `node:${crossings[0].id}` : `service:${network.services[0]?.id ?? ''}`,
  );
  const [hours, setHours] = useState(72);
  const [reason, setReason] = useState('');
  const name = (n: { name: string; nameZh?: string }) =>
    i18n.language.startsWith('zh') && n.nameZh ? n.nameZh : n.name;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const [kind, id] = target.split(':') as [string, string];
    const from = new Date();
    const to = new Date(from.getTime() + hours * 3_600_000);
    onApply({
      ...(kind === 'node' ? { nodeId: id } : { serviceId: id }),
      from: from.toISOString(),
      to: to.toISOString(),
      effect: 'closed',
      reason: reason.trim() || t('board.defaultReason'),
    });
  };

  return (
    <Card title={t('board.disruption')} id="disruption">
      <form onSubmit={submit} className="form">
        <label>
          <span>{t('board.closeWhat')}</span>
          <select value={target} onChange={(e) => setTarget(e.target.value)}>
            <optgroup label={t('nodeKind.border')}>
              {crossings.map((n) => (
                <option key={n.id} value={`node:${n.id}`}>
                  {name(n)}
                </option>
              ))}
            </optgroup>
            <optgroup label={t('board.services')}>
              {network.services.map((s) => (
                <option key={s.id} value={`service:${s.id}`}>
                  {name(s)}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
        <label>
          <span>{t('board.forHours')}</span>
          <input
            type="number"
            min={1}
            max={720}
            value={hours}
            onChange={(e) => setHours(Number(e.target.value))}
          />
        </label>
        <label>
          <span>{t('board.reason')}</span>
          <input
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder={t('board.defaultReason')}
          />
        </label>
        <button type="submit" disabled={busy}>
          {t('board.applyDisruption')}
        </button>
      </form>
    </Card>
  );
}
