import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api.ts';
import { Chart, type ChartOption } from '../components/chart.tsx';
import { Card, Empty, ErrorBox, Loading, NotAvailable, PageTitle, Stat } from '../components/common.tsx';
import { CORRIDOR_COLOURS, CORRIDOR_ORDER } from '../corridors.ts';
import {
  countryName,
  currencyExponent,
  formatDate,
  formatKg,
  formatMoney,
  formatNumber,
  formatPercent,
  toMajor,
} from '../format.ts';
import { useAsync } from '../hooks.ts';
import { Link } from '../router.tsx';
import { useSignedIn } from '../session.tsx';

const TOP_COUNTRIES = 8;

/** Dashboard: the figures the park reports, from parcel statistics and the newest plan. */
export function DashboardPage() {
  const { t } = useTranslation();
  const { session, features, currency, locale } = useSignedIn();
  const stats = useAsync(
    () => (features.stats ? api.parcelStats(session.key, currency) : Promise.resolve(undefined)),
    [session.key, currency, features],
  );
  const plan = useAsync(() => api.latestPlan(session.key, features), [session.key, features]);
  const s = stats.data;
  const summary = plan.data?.summary;
  const corridorTotals = useMemo(
    () => new Map((s?.byCorridor ?? []).filter((c) => c.parcels > 0).map((c) => [c.corridor, c.parcels])),
    [s],
  );

  const statusChart: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 90, right: 20, top: 10, bottom: 30 },
      xAxis: { type: 'value', minInterval: 1 },
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
    [s, t],
  );

  const countryChart: ChartOption = useMemo(() => {
    const rows = (s?.byCountry ?? []).slice(0, 15);
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { bottom: 0 },
      grid: { left: 110, right: 60, top: 10, bottom: 40 },
      xAxis: [{ type: 'value', minInterval: 1, name: t('dashboard.parcels') }],
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
      tooltip: { trigger: 'item' },
      legend: { bottom: 0 },
      series: [
        {
          type: 'pie',
          name: t('dashboard.byCorridor'),
          radius: ['35%', '58%'],
          center: ['50%', '45%'],
          label: { formatter: '{b}\n{c}' },
          data: list.map((c) => ({
            name: t(`corridor.${c}`),
            value: corridorTotals.get(c),
            itemStyle: { color: CORRIDOR_COLOURS[c] },
          })),
        },
      ],
    };
  }, [corridorTotals, t]);

  const valueChart: ChartOption = useMemo(() => {
    const rows = s?.byDay ?? [];
    const top = (s?.byCountry ?? [])
      .slice()
      .sort((a, b) => b.declaredValueMinor - a.declaredValueMinor)
      .slice(0, TOP_COUNTRIES)
      .map((c) => c.country);
    const dates = [...new Set(rows.map((r) => r.date))].sort();
    const series = [...top, 'other'].map((c) => ({
      type: 'bar',
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
      legend: { bottom: 0, type: 'scroll' },
      grid: { left: 80, right: 20, top: 20, bottom: 50 },
      xAxis: { type: 'category', data: dates.map((d) => formatDate(d, locale)) },
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
      legend: { bottom: 0 },
      grid: { left: 80, right: 20, top: 20, bottom: 50 },
      xAxis: { type: 'category', data: days.map((d) => formatDate(d, locale)) },
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
      tooltip: { trigger: 'item' },
      legend: { bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['35%', '58%'],
          center: ['50%', '45%'],
          name: t('dashboard.byLevel'),
          label: { formatter: '{b}\n{d}%' },
          data: (s?.byServiceLevel ?? []).map((r) => ({
            name: t(`level.${r.serviceLevel}`),
            value: r.parcels,
          })),
        },
      ],
    }),
    [s, t],
  );

  if (!features.stats)
    return (
      <div>
        <PageTitle title={t('dashboard.title')} />
        <NotAvailable what={t('dashboard.title')} endpoint="GET /v1/stats/parcels" />
      </div>
    );

  const plannedWeightG = (s?.byCorridor ?? []).reduce((sum, c) => sum + c.grossWeightG, 0);
  const weightG =
    summary?.grossWeightG ?? (plannedWeightG > 0 ? plannedWeightG : (s?.totals.grossWeightG ?? 0));
  const plannedParcels = summary?.planned ?? summary?.parcels ?? 0;
  const planHint = features.plans ? t('dashboard.needsPlan') : t('dashboard.plansComing');

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
              hint={summary ? undefined : planHint}
            />
            <Stat
              label={t('dashboard.onTime')}
              value={summary?.onTimeRate !== undefined ? formatPercent(summary.onTimeRate, locale) : '—'}
              hint={summary ? undefined : planHint}
            />
            <Stat
              label={t('dashboard.co2PerParcel')}
              value={
                summary?.co2eKg !== undefined && plannedParcels > 0
                  ? `${formatNumber(summary.co2eKg / plannedParcels, locale, 2)} kg`
                  : '—'
              }
              hint={summary ? undefined : planHint}
            />
          </div>
          <div className="grid">
            <Card title={t('dashboard.byStatus')} id="by-status">
              <Chart option={statusChart} label={t('dashboard.byStatus')} height={260} />
            </Card>
            <Card title={t('dashboard.byCorridor')} id="by-corridor">
              {corridorTotals.size > 0 ? (
                <Chart option={corridorChart} label={t('dashboard.byCorridor')} height={260} />
              ) : (
                <Empty>
                  {planHint} {features.plans ? <Link to="/board">{t('dashboard.toBoard')}</Link> : null}
                </Empty>
              )}
            </Card>
            <Card title={t('dashboard.byDestination')} id="by-destination">
              <Chart option={countryChart} label={t('dashboard.byDestination')} height={420} />
            </Card>
            <Card title={t('dashboard.byLevel')} id="by-level">
              <Chart option={levelChart} label={t('dashboard.byLevel')} height={260} />
            </Card>
            <Card
              title={t('dashboard.valueByDestination', { currency: s.currency })}
              wide
              id="value-by-destination"
            >
              <Chart
                option={valueChart}
                label={t('dashboard.valueByDestination', { currency: s.currency })}
                height={300}
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
                  height={300}
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
