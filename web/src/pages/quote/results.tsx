import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type * as api from '../../api/index.ts';
import { Chart, type ChartOption } from '../../components/chart.tsx';
import { Card } from '../../components/common.tsx';
import { CORRIDOR_COLOURS } from '../../corridors.ts';
import {
  currencyExponent,
  formatDate,
  formatInZone,
  formatMoney,
  formatNumber,
  toMajor,
} from '../../format.ts';
import { shortNodeName } from '../../names.ts';
import { useSignedIn } from '../../session.tsx';
import { stopsOf } from './goods.ts';

/** A place's short name in the reader's language; cost labels get their node ids replaced the same way. */
function usePlaces() {
  const { network, locale } = useSignedIn();
  return useMemo(() => {
    const byId = new Map(network.nodes.map((n) => [n.id, n]));
    const name = (id: string) => {
      const n = byId.get(id);
      return n ? shortNodeName(n, locale) : id;
    };
    const ids = [...byId.keys()].sort((a, b) => b.length - a.length);
    const pattern = new RegExp(
      `\\b(${ids.map((id) => id.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&')).join('|')})\\b`,
      'g',
    );
    const humanise = (text: string) => text.replace(pattern, (id) => name(id));
    return { name, humanise };
  }, [network, locale]);
}

/** The options in a table (stops once each, in names), on a time-vs-cost chart, and the chosen one's costs. */
export function QuoteResults({
  options,
  selected,
  onSelect,
}: {
  options: readonly api.QuoteOption[];
  selected: string | undefined;
  onSelect: (id: string) => void;
}) {
  const { t } = useTranslation();
  const { locale, currency, hubZone } = useSignedIn();
  const { name, humanise } = usePlaces();
  const chosen = options.find((o) => o.id === selected);

  const chart: ChartOption = useMemo(() => {
    const byCorridor = new Map<string, api.QuoteOption[]>();
    for (const o of options) {
      const c = o.corridors.find((x) => x !== 'feeder') ?? o.corridors[0] ?? 'other';
      byCorridor.set(c, [...(byCorridor.get(c) ?? []), o]);
    }
    const money = (v: number, compact = false) =>
      formatMoney(Math.round(v * 10 ** currencyExponent(currency)), currency, locale, compact);
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: { data: [number, number, number, string] }) =>
          `${p.data[3]}<br/>${t('quote.transitDays')}: ${p.data[0]}<br/>${t('quote.cost')}: ${money(
            p.data[1],
          )}<br/>CO₂e: ${formatNumber(p.data[2], locale, 2)} kg`,
      },
      grid: { left: 8, right: 16, top: 30, bottom: 30, containLabel: true },
      xAxis: {
        type: 'value',
        name: t('quote.transitDays'),
        nameLocation: 'middle',
        nameGap: 26,
        minInterval: 1,
        axisLabel: { hideOverlap: true },
      },
      yAxis: {
        type: 'value',
        name: t('quote.costIn', { currency }),
        splitNumber: 4,
        axisLabel: { formatter: (v: number) => money(v, true), hideOverlap: true },
      },
      series: [...byCorridor].map(([c, list]) => ({
        name: t(`corridor.${c}`, { defaultValue: c }),
        type: 'scatter',
        symbolSize: (d: number[]) => Math.max(10, Math.min(40, 8 + Math.sqrt(d[2] ?? 0) * 6)),
        itemStyle: { color: CORRIDOR_COLOURS[c] ?? '#52606d' },
        data: list.map((o) => [
          o.transitDays,
          toMajor(o.cost.totalMinor, o.cost.currency),
          o.co2eKg,
          o.labels.map((l) => t(`quote.label.${l}`)).join(', ') ||
            o.modes.map((m) => t(`mode.${m}`)).join(' + '),
        ]),
      })),
    };
  }, [options, t, currency, locale]);

  const legend = [
    ...new Set(options.map((o) => o.corridors.find((x) => x !== 'feeder') ?? o.corridors[0] ?? 'other')),
  ].map((c) => ({ name: t(`corridor.${c}`, { defaultValue: c }), colour: CORRIDOR_COLOURS[c] ?? '#52606d' }));
  return (
    <div className="grid">
      <Card title={t('quote.options', { count: options.length })} wide id="quote-options">
        <p className="muted">{t('quote.timesIn', { zone: hubZone })}</p>
        <div className="table-wrap">
          <table data-testid="quote-options">
            <thead>
              <tr>
                <th scope="col">{t('quote.choose')}</th>
                <th scope="col">{t('quote.option')}</th>
                <th scope="col">{t('quote.route')}</th>
                <th scope="col">{t('quote.departAt')}</th>
                <th scope="col">{t('quote.delivery')}</th>
                <th scope="col" className="num">
                  {t('quote.transitDays')}
                </th>
                <th scope="col" className="num">
                  {t('quote.cost')}
                </th>
                <th scope="col" className="num">
                  CO₂e
                </th>
              </tr>
            </thead>
            <tbody>
              {options.map((o) => (
                <tr key={o.id} className={o.id === selected ? 'selected' : undefined}>
                  <td>
                    <input
                      type="radio"
                      name="option"
                      checked={o.id === selected}
                      onChange={() => onSelect(o.id)}
                      aria-label={t('quote.chooseOption', {
                        route: o.corridors.map((c) => t(`corridor.${c}`)).join(' + '),
                      })}
                    />
                  </td>
                  <td>
                    {o.labels.map((l) => (
                      <span key={l} className={`tag tag-${l}`}>
                        {t(`quote.label.${l}`)}
                      </span>
                    ))}
                    <div className="muted">{o.modes.map((m) => t(`mode.${m}`)).join(' + ')}</div>
                  </td>
                  <td data-testid="route">
                    {stopsOf(o.legs).map(name).join(' → ')}
                    <div className="muted">{t('quote.via', { gateway: name(o.gateway) })}</div>
                  </td>
                  <td className="nowrap">{formatInZone(o.departAt, hubZone, locale)}</td>
                  <td className="nowrap">
                    {formatDate(o.deliveryDate, locale)}
                    {o.meetsPromise === false ? <div className="warn">{t('quote.late')}</div> : null}
                  </td>
                  <td className="num">{o.transitDays}</td>
                  <td className="num">{formatMoney(o.cost.totalMinor, o.cost.currency, locale)}</td>
                  <td className="num">{formatNumber(o.co2eKg, locale, 2)} kg</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      <Card title={t('quote.chartTitle')}>
        <Chart option={chart} label={t('quote.chartTitle')} height={300} legend={legend} />
      </Card>
      {chosen ? (
        <Card title={t('quote.breakdown')}>
          <table data-testid="cost-breakdown">
            <caption className="sr-only">{t('quote.breakdown')}</caption>
            <tbody>
              {chosen.cost.components.map((c, i) => (
                <tr key={i}>
                  <th scope="row">
                    {t(`costKind.${c.kind}`, { defaultValue: humanise(c.label) })}
                    <div className="muted">{humanise(c.label)}</div>
                  </th>
                  <td className="muted num">
                    {c.original.currency !== chosen.cost.currency
                      ? formatMoney(c.original.amountMinor, c.original.currency, locale)
                      : ''}
                  </td>
                  <td className="num">{formatMoney(c.amountMinor, chosen.cost.currency, locale)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('quote.freightTotal')}</th>
                <td />
                <td className="num">{formatMoney(chosen.cost.totalMinor, chosen.cost.currency, locale)}</td>
              </tr>
            </tfoot>
          </table>
        </Card>
      ) : null}
    </div>
  );
}
