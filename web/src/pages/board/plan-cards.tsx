import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type * as api from '../../api/index.ts';
import { Chart, type ChartOption } from '../../components/chart.tsx';
import { Card, Stat } from '../../components/common.tsx';
import {
  currencyExponent,
  formatDate,
  formatMoney,
  formatNumber,
  formatPercent,
  formatSignedMoney,
  shortPlanId,
  toMajor,
} from '../../format.ts';
import { Link } from '../../router.tsx';

/** "Plan 3f2a… · parcels ready 1 Dec 2026 + 14 days": which plan the figures come from. */
export function PlanCaption({ plan, locale }: { plan: api.Plan; locale: string }) {
  const { t } = useTranslation();
  const horizon = plan.result?.horizon;
  return (
    <p className="muted" data-testid="plan-caption">
      {t('board.planId', { id: shortPlanId(plan.id) })}
      {horizon
        ? ` · ${t('board.horizonOf', {
            from: formatDate(horizon.from.slice(0, 10), locale),
            count: horizon.days,
          })}`
        : ''}
    </p>
  );
}

/** Planned, held (by reason) and containers, cost against the bound and the greedy baseline. */
export function PlanResult({ plan, locale }: { plan: api.Plan; locale: string }) {
  const { t } = useTranslation();
  const r = plan.result;
  const s = r?.summary;
  const chart: ChartOption | undefined = useMemo(() => {
    if (!s) return undefined;
    const rows = [
      { name: t('board.plan'), value: s.costMinor },
      { name: t('board.lowerBound'), value: s.lowerBoundMinor },
      ...(r?.baseline ? [{ name: t('board.greedy'), value: r.baseline.costMinor }] : []),
    ];
    const money = (v: number, compact = false) =>
      formatMoney(Math.round(v * 10 ** currencyExponent(s.currency)), s.currency, locale, compact);
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => money(v) },
      grid: { left: 8, right: 80, top: 10, bottom: 24, containLabel: true },
      xAxis: {
        type: 'value',
        axisLabel: { formatter: (v: number) => money(v, true), hideOverlap: true },
        splitNumber: 3,
      },
      yAxis: { type: 'category', inverse: true, data: rows.map((x) => x.name) },
      series: [
        {
          type: 'bar',
          data: rows.map((x, i) => ({
            value: toMajor(x.value, s.currency),
            itemStyle: { color: ['#0b4f6c', '#2a9d8f', '#c8553d'][i] },
          })),
          label: { show: true, position: 'right', formatter: (p: { value: number }) => money(p.value, true) },
        },
      ],
    };
  }, [s, r, t, locale]);
  if (!r || !s) return null;
  const replan = r.replan;
  return (
    <Card title={t('board.result')} id="plan-result">
      <PlanCaption plan={plan} locale={locale} />
      <div className="stats" data-testid="plan-summary">
        <Stat label={t('board.cost')} value={formatMoney(s.costMinor, s.currency, locale)} />
        <Stat label={t('board.lowerBound')} value={formatMoney(s.lowerBoundMinor, s.currency, locale)} />
        <Stat label={t('board.gap')} value={`${formatNumber(s.gapPercent, locale, 2)} %`} />
        <Stat label={t('dashboard.onTime')} value={formatPercent(s.onTimeRate, locale)} />
        <Stat
          label={t('board.plannedParcels')}
          value={<span data-testid="planned">{formatNumber(s.planned, locale)}</span>}
          hint={t('board.ofParcels', { count: s.parcels, total: formatNumber(s.parcels, locale) })}
        />
        <Stat
          label={t('board.heldParcels')}
          value={<span data-testid="held">{formatNumber(s.held, locale)}</span>}
          hint={
            r.heldByReason.length > 0 ? (
              <ul className="reasons" data-testid="held-reasons">
                {r.heldByReason.map((h) => (
                  <li key={h.reason}>
                    {t(`holdReason.${h.reason}`, { defaultValue: h.reason })}:{' '}
                    {formatNumber(h.parcels, locale)}
                  </li>
                ))}
              </ul>
            ) : undefined
          }
        />
        <Stat
          label={t('board.containersUsed')}
          value={<span data-testid="containers">{formatNumber(s.containers, locale)}</span>}
          hint={
            r.containerProof ? (
              <span data-testid="containers-proven">
                {t('board.containersProven', {
                  proven: formatNumber(r.containerProof.proven, locale),
                  count: r.containerProof.containers,
                  total: formatNumber(r.containerProof.containers, locale),
                })}
                {(r.containerProof.parcelsMoved ?? 0) + (r.containerProof.parcelsHeld ?? 0) > 0
                  ? ` · ${t('board.loadMoves', {
                      moved: formatNumber(r.containerProof.parcelsMoved ?? 0, locale),
                      held: formatNumber(r.containerProof.parcelsHeld ?? 0, locale),
                    })}`
                  : ''}
              </span>
            ) : undefined
          }
        />
        <Stat label="CO₂e" value={`${formatNumber(s.co2eKg, locale, 0)} kg`} />
      </div>
      {replan ? (
        <p data-testid="cost-change">
          {t('board.costChange', {
            change: formatSignedMoney(replan.costAfterMinor - replan.costBeforeMinor, s.currency, locale),
            before: formatMoney(replan.costBeforeMinor, s.currency, locale),
            after: formatMoney(replan.costAfterMinor, s.currency, locale),
          })}
        </p>
      ) : null}
      {r.baseline ? (
        <p data-testid="vs-greedy">
          {t('board.vsGreedy', {
            saving: formatMoney(r.baseline.costMinor - s.costMinor, s.currency, locale),
            percent: formatPercent(
              r.baseline.costMinor > 0 ? (r.baseline.costMinor - s.costMinor) / r.baseline.costMinor : 0,
              locale,
            ),
          })}
        </p>
      ) : null}
      {chart ? <Chart option={chart} label={t('board.compare')} height={170} /> : null}
    </Card>
  );
}

/** The parcels a re-plan moved, and the disruption it planned around. */
export function WhatMoved({ plan }: { plan: api.Plan }) {
  const { t } = useTranslation();
  const replan = plan.result?.replan;
  if (!replan) return null;
  return (
    <Card title={t('board.whatMoved')} id="what-moved">
      <p className="muted">{replan.disruption}</p>
      <p data-testid="moved">{t('board.movedParcels', { count: replan.movedCount })}</p>
      {replan.moved.length > 0 ? (
        <ul className="moved-list">
          {replan.moved.slice(0, 20).map((m) => (
            <li key={m.parcelId}>
              <Link to={`/parcels/${encodeURIComponent(m.parcelId)}`}>{m.parcelId}</Link>
              {m.from || m.to ? ` · ${m.from ?? '—'} → ${m.to ?? '—'}` : ''}
            </li>
          ))}
        </ul>
      ) : null}
    </Card>
  );
}
