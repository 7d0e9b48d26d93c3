import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api/index.ts';
import { Chart, type ChartOption, type LegendItem, PALETTE } from '../components/chart.tsx';
import { Card, Empty, ErrorBox, Loading, PageTitle, Stat } from '../components/common.tsx';
import { CORRIDOR_COLOURS, CORRIDOR_ORDER } from '../corridors.ts';
import {
  countryName,
  currencyExponent,
  formatDate,
  formatKg,
  formatMoney,
  formatNumber,
  formatPercent,
  shortPlanId,
  toMajor,
} from '../format.ts';
import { useAsync } from '../hooks.ts';
import { Link } from '../router.tsx';
import { useSignedIn } from '../session.tsx';

const TOP_COUNTRIES = 8;
const LEVEL_COLOURS = ['#0b4f6c', '#c8553d', '#2a9d8f'];

/** The destinations with the most declared value, which the value chart shows one by one. */
function topCountries(s: api.ParcelStats | undefined): string[] {
  return (s?.byCountry ?? [])
    .slice()
    .sort((a, b) => b.declaredValueMinor - a.declaredValueMinor)
    .slice(0, TOP_COUNTRIES)
    .map((c) => c.country);
}

/** Dashboard: the figures the park reports, from parcel statistics and the newest plan. */
export function DashboardPage() {
  const { t } = useTranslation();
  const { session, currency, locale } = useSignedIn();
  const stats = useAsync(() => api.parcelStats(session.key, currency), [session.key, currency]);
  // The hub's plan is the operator's to read (a seller's plan figures come with its own statistics).
  const operator = session.principal.role === 'operator';
  const plan = useAsync(
    () => (operator ? api.latestPlan(session.key) : Promise.resolve(undefined)),
    [session.key, operator],
  );
  const s = stats.data;
  const summary = plan.data?.result?.summary;
  const count = (v: number) => formatNumber(v, locale);
  const corridorTotals = useMemo(
    () => new Map((s?.byCorridor ?? []).filter((c) => c.parcels > 0).map((c) => [c.corridor, c.parcels])),
    [s],
  );

  const statusChart: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => count(v) },
      grid: { left: 8, right: 24, top: 10, bottom: 8, containLabel: true },
      xAxis: {
        type: 'value',
        minInterval: 1,
        splitNumber: 3,
        axisLabel: { formatter: count, hideOverlap: true },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: (s?.byStatus ?? []).map((r) => t(`status.${r.status}`)),
      },
      series: [
        {
          type: 'bar',
          barMaxWidth: 36,
          name: t('dashboard.parcels'),
          data: (s?.byStatus ?? []).map((r) => r.parcels),
          itemStyle: { color: '#0b4f6c' },
        },
      ],
    }),
    [s, t, locale],
  );

  const countryChart: ChartOption = useMemo(() => {
    const rows = (s?.byCountry ?? []).slice(0, 15);
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: number) => count(v) },
      grid: { left: 8, right: 24, top: 10, bottom: 8, containLabel: true },
      xAxis: [
        { type: 'value', minInterval: 1, splitNumber: 3, axisLabel: { formatter: count, hideOverlap: true } },
      ],
      yAxis: { type: 'category', inverse: true, data: rows.map((r) => countryName(r.country, locale)) },
      series: [
        {
          type: 'bar',
          name: t('dashboard.parcels'),
          data: rows.map((r) => r.parcels),
          itemStyle: { color: '#2a9d8f' },
        },
      ],
    };
  }, [s, t, locale]);

  const corridorChart: ChartOption = useMemo(() => {
    const list = CORRIDOR_ORDER.filter((c) => corridorTotals.has(c));
    return {
      tooltip: { trigger: 'item', valueFormatter: (v: number) => count(v) },
      series: [
        {
          type: 'pie',
          name: t('dashboard.byCorridor'),
          radius: ['45%', '75%'],
          center: ['50%', '50%'],
          label: { show: false },
          data: list.map((c) => ({
            name: t(`corridor.${c}`),
            value: corridorTotals.get(c),
            itemStyle: { color: CORRIDOR_COLOURS[c] },
          })),
        },
      ],
    };
  }, [corridorTotals, t, locale]);

  const valueChart: ChartOption = useMemo(() => {
    const rows = s?.byDay ?? [];
    const top = topCountries(s);
    const dates = [...new Set(rows.map((r) => r.date))].sort();
    const series = [...top, 'other'].map((c, i) => ({
      type: 'bar',
      itemStyle: { color: PALETTE[i % PALETTE.length] },
      stack: 'value',
      barMaxWidth: 90,
      name: c === 'other' ? t('dashboard.otherCountries') : countryName(c, locale),
      data: dates.map((d) =>
        toMajor(
          rows
            .filter((r) => r.date === d && (c === 'other' ? !top.includes(r.country) : r.country === c))
            .reduce((sum, r) => sum + r.declaredValueMinor, 0),
          currency,
        ),
      ),
    }));
    return {
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (v: number) =>
          formatMoney(Math.round(v * 10 ** currencyExponent(currency)), currency, locale),
      },
      grid: { left: 8, right: 16, top: 20, bottom: 8, containLabel: true },
      xAxis: {
        type: 'category',
        data: dates.map((d) => formatDate(d, locale)),
        axisLabel: { hideOverlap: true },
      },
      yAxis: {
        type: 'value',
        axisLabel: {
          formatter: (v: number) =>
            formatMoney(Math.round(v * 10 ** currencyExponent(currency)), currency, locale, true),
        },
      },
      series,
    };
  }, [s, t, locale, currency]);

  const corridorDayChart: ChartOption = useMemo(() => {
    const rows = s?.byCorridorDay ?? [];
    const days = [...new Set(rows.map((r) => r.date))].sort();
    const list = CORRIDOR_ORDER.filter((c) => rows.some((r) => r.corridor === c));
    const exp = currencyExponent(currency);
    return {
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (v: number) => formatMoney(Math.round(v * 10 ** exp), currency, locale),
      },
      grid: { left: 8, right: 16, top: 20, bottom: 8, containLabel: true },
      xAxis: {
        type: 'category',
        data: days.map((d) => formatDate(d, locale)),
        axisLabel: { hideOverlap: true },
      },
      yAxis: {
        type: 'value',
        axisLabel: {
          formatter: (v: number) => formatMoney(Math.round(v * 10 ** exp), currency, locale, true),
        },
      },
      series: list.map((c) => ({
        type: 'bar',
        stack: 'corridor',
        barMaxWidth: 90,
        name: t(`corridor.${c}`),
        itemStyle: { color: CORRIDOR_COLOURS[c] },
        data: days.map((d) =>
          toMajor(
            rows
              .filter((r) => r.date === d && r.corridor === c)
              .reduce((sum, r) => sum + r.declaredValueMinor, 0),
            currency,
          ),
        ),
      })),
    };
  }, [s, t, locale, currency]);

  const levelChart: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'item', valueFormatter: (v: number) => count(v) },
      series: [
        {
          type: 'pie',
          radius: ['45%', '75%'],
          center: ['50%', '50%'],
          name: t('dashboard.byLevel'),
          label: { show: false },
          data: (s?.byServiceLevel ?? []).map((r, i) => ({
            name: t(`level.${r.serviceLevel}`),
            value: r.parcels,
            itemStyle: { color: LEVEL_COLOURS[i % LEVEL_COLOURS.length] },
          })),
        },
      ],
    }),
    [s, t, locale],
  );

  const corridorLegend: LegendItem[] = CORRIDOR_ORDER.filter((c) => corridorTotals.has(c)).map((c) => ({
    name: t(`corridor.${c}`),
    colour: CORRIDOR_COLOURS[c] ?? '#52606d',
    value: count(corridorTotals.get(c) ?? 0),
  }));
  const levelLegend: LegendItem[] = (s?.byServiceLevel ?? []).map((r, i) => ({
    name: t(`level.${r.serviceLevel}`),
    colour: LEVEL_COLOURS[i % LEVEL_COLOURS.length]!,
    value: count(r.parcels),
  }));
  const valueLegend: LegendItem[] = [...topCountries(s), 'other'].map((c, i) => ({
    name: c === 'other' ? t('dashboard.otherCountries') : countryName(c, locale),
    colour: PALETTE[i % PALETTE.length]!,
  }));
  const corridorDayLegend: LegendItem[] = CORRIDOR_ORDER.filter((c) =>
    (s?.byCorridorDay ?? []).some((r) => r.corridor === c),
  ).map((c) => ({ name: t(`corridor.${c}`), colour: CORRIDOR_COLOURS[c] ?? '#52606d' }));

  const plannedWeightG = (s?.byCorridor ?? []).reduce((sum, c) => sum + c.grossWeightG, 0);
  const weightG = plannedWeightG > 0 ? plannedWeightG : (s?.totals.grossWeightG ?? 0);
  const plannedParcels = summary?.planned ?? 0;
  const planHint = t('dashboard.needsPlan');
  const fromPlan = plan.data ? (
    <Link to="/board" data-testid="from-plan">
      {t('dashboard.fromPlan', { id: shortPlanId(plan.data.id) })}
    </Link>
  ) : undefined;

  return (
    <div>
      <PageTitle title={t('dashboard.title')}>
        {s ? (
          <span className="muted">
            {s.scope.role === 'seller'
              ? t('dashboard.scopeSeller', { id: s.scope.sellerId })
              : t('dashboard.scopeAll')}
          </span>
        ) : null}
      </PageTitle>
      <ErrorBox error={stats.error ?? plan.error} />
      {stats.loading && !s ? <Loading /> : null}
      {s ? (
        <>
          <div className="stats" data-testid="kpis">
            <Stat label={t('dashboard.parcels')} value={formatNumber(s.totals.parcels, locale)} />
            <Stat label={t('dashboard.weight')} value={formatKg(s.totals.grossWeightG, locale)} />
            <Stat
              label={t('dashboard.exportValue')}
              value={formatMoney(s.totals.declaredValueMinor, s.currency, locale)}
              hint={
                s.totals.unconvertedParcels > 0
                  ? t('dashboard.unconverted', { count: s.totals.unconvertedParcels })
                  : undefined
              }
            />
            <Stat
              label={t('dashboard.costPerKg')}
              value={
                summary && weightG > 0
                  ? formatMoney(Math.round(summary.costMinor / (weightG / 1000)), summary.currency, locale)
                  : '—'
              }
              hint={summary ? fromPlan : planHint}
            />
            <Stat
              label={t('dashboard.onTime')}
              value={summary ? formatPercent(summary.onTimeRate, locale) : '—'}
              hint={summary ? fromPlan : planHint}
            />
            <Stat
              label={t('dashboard.co2PerParcel')}
              value={
                summary && plannedParcels > 0
                  ? `${formatNumber(summary.co2eKg / plannedParcels, locale, 2)} kg`
                  : '—'
              }
              hint={summary ? fromPlan : planHint}
            />
          </div>
          <div className="grid">
            <Card title={t('dashboard.byStatus')} id="by-status">
              <Chart option={statusChart} label={t('dashboard.byStatus')} height={260} />
            </Card>
            <Card title={t('dashboard.byCorridor')} id="by-corridor">
              {corridorTotals.size > 0 ? (
                <Chart
                  option={corridorChart}
                  label={t('dashboard.byCorridor')}
                  height={220}
                  legend={corridorLegend}
                />
              ) : (
                <Empty>
                  {planHint} <Link to="/board">{t('dashboard.toBoard')}</Link>
                </Empty>
              )}
            </Card>
            <Card title={t('dashboard.byDestination')} id="by-destination">
              <Chart option={countryChart} label={t('dashboard.byDestination')} height={420} />
            </Card>
            <Card title={t('dashboard.byLevel')} id="by-level">
              <Chart option={levelChart} label={t('dashboard.byLevel')} height={220} legend={levelLegend} />
            </Card>
            <Card
              title={t('dashboard.valueByDestination', { currency: s.currency })}
              wide
              id="value-by-destination"
            >
              <Chart
                option={valueChart}
                label={t('dashboard.valueByDestination', { currency: s.currency })}
                height={280}
                legend={valueLegend}
              />
            </Card>
            <Card
              title={t('dashboard.valueByCorridor', { currency: s.currency })}
              wide
              id="flows-by-corridor"
            >
              {(s.byCorridorDay ?? []).length > 0 ? (
                <Chart
                  option={corridorDayChart}
                  label={t('dashboard.valueByCorridor', { currency: s.currency })}
                  height={280}
                  legend={corridorDayLegend}
                />
              ) : (
                <Empty>{planHint}</Empty>
              )}
            </Card>
          </div>
        </>
      ) : null}
    </div>
  );
}
