import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api.ts';
import { Chart, type ChartOption } from '../components/chart.tsx';
import { Card, ErrorBox, Loading, NotAvailable, PageTitle } from '../components/common.tsx';
import { CORRIDOR_COLOURS } from '../corridors.ts';
import {
  countryName,
  currencyExponent,
  formatDate,
  formatInstant,
  formatMoney,
  formatNumber,
  parseMajor,
  todayIn,
  toMajor,
  zoneOffset,
} from '../format.ts';
import { useSignedIn } from '../session.tsx';

interface Form {
  readyAt: string;
  country: string;
  postcode: string;
  weightKg: string;
  lengthCm: string;
  widthCm: string;
  heightCm: string;
  batteries: boolean;
  promised: string;
  goods: string;
  hsCode: string;
  value: string;
  quantity: string;
}

function nextHourIn(zone: string): string {
  const date = todayIn(zone);
  const hour = Number(
    new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(
      Date.now(),
    ),
  );
  return hour >= 23 ? `${date}T23:00` : `${date}T${String(hour + 1).padStart(2, '0')}:00`;
}

/** Quote: the Pareto options for a parcel in a table and on a time-vs-cost chart, with landed cost. */
export function QuotePage() {
  const { t } = useTranslation();
  const { session, network, features, currency, locale, hubZone } = useSignedIn();
  const countries = useMemo(
    () =>
      [...new Set(network.lastMile.map((z) => z.country))].sort((a, b) =>
        countryName(a, locale).localeCompare(countryName(b, locale), locale),
      ),
    [network, locale],
  );
  const [form, setForm] = useState<Form>(() => ({
    readyAt: nextHourIn(hubZone),
    country: 'DE',
    postcode: '10115',
    weightKg: '1.2',
    lengthCm: '30',
    widthCm: '20',
    heightCm: '10',
    batteries: false,
    promised: '',
    goods: 'Cotton T-shirts',
    hsCode: '610910',
    value: '40',
    quantity: '2',
  }));
  const [answer, setAnswer] = useState<api.QuoteAnswer>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [selected, setSelected] = useState<string>();
  const [landed, setLanded] = useState<api.LandedCost>();
  const [landedError, setLandedError] = useState<unknown>();

  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));
  /** A place's name, without the parenthesised detail, in the reader's language where the network has it. */
  const nodeName = (id: string) => {
    const n = network.nodes.find((x) => x.id === id);
    return n ? (locale.startsWith('zh') && n.nameZh ? n.nameZh : (n.name.split(' (')[0] ?? n.name)) : id;
  };
  const zoneOf = (id: string) => network.nodes.find((x) => x.id === id)?.zone;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setLanded(undefined);
    setLandedError(undefined);
    try {
      const date = form.readyAt.slice(0, 10);
      const res = await api.quote(session.key, {
        readyAt: `${form.readyAt}:00${zoneOffset(hubZone, date)}`,
        destination: {
          country: form.country,
          ...(form.postcode.trim() ? { postcode: form.postcode.trim() } : {}),
        },
        currency,
        ...(form.promised ? { promisedDeliveryDate: form.promised } : {}),
        shipment: {
          kind: 'parcel',
          grossWeightG: Math.round(Number(form.weightKg) * 1000),
          dimensions: {
            lengthMm: Math.round(Number(form.lengthCm) * 10),
            widthMm: Math.round(Number(form.widthCm) * 10),
            heightMm: Math.round(Number(form.heightCm) * 10),
          },
          dangerousGoods: form.batteries ? ['UN3481'] : [],
        },
      });
      setAnswer(res);
      const first = res.ok
        ? (res.options.find((o) => o.labels.includes('cheapest')) ?? res.options[0])
        : undefined;
      setSelected(first?.id);
    } catch (err) {
      setError(err);
      setAnswer(undefined);
    } finally {
      setBusy(false);
    }
  };

  const options = answer?.ok ? answer.options : [];
  const chosen = options.find((o) => o.id === selected);

  const computeLanded = async () => {
    if (!chosen) return;
    setLandedError(undefined);
    try {
      const unitValueMinor = parseMajor(form.value, currency);
      if (unitValueMinor === undefined) throw new Error(t('quote.badValue'));
      setLanded(
        await api.landedCost(session.key, {
          destination: form.country,
          date: chosen.deliveryDate,
          incoterm: 'DDP',
          shippingMinor: chosen.cost.totalMinor,
          costsCurrency: chosen.cost.currency,
          currency,
          items: [
            {
              description: form.goods,
              hsCode: form.hsCode,
              quantity: Number(form.quantity),
              unitValueMinor,
              currency,
              originCountry: 'CN',
            },
          ],
          grossWeightG: Math.round(Number(form.weightKg) * 1000),
        }),
      );
    } catch (err) {
      setLandedError(err);
    }
  };

  const chart: ChartOption = useMemo(() => {
    const byCorridor = new Map<string, api.QuoteOption[]>();
    for (const o of options) {
      const c = o.corridors.find((x) => x !== 'feeder') ?? o.corridors[0] ?? 'other';
      byCorridor.set(c, [...(byCorridor.get(c) ?? []), o]);
    }
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: { data: [number, number, number, string] }) =>
          `${p.data[3]}<br/>${t('quote.transitDays')}: ${p.data[0]}<br/>${t('quote.cost')}: ${formatMoney(
            Math.round(p.data[1] * 10 ** currencyExponent(currency)),
            currency,
            locale,
          )}<br/>CO₂e: ${formatNumber(p.data[2], locale, 2)} kg`,
      },
      legend: { bottom: 0 },
      grid: { left: 70, right: 20, top: 30, bottom: 90 },
      xAxis: {
        type: 'value',
        name: t('quote.transitDays'),
        nameLocation: 'middle',
        nameGap: 28,
        minInterval: 1,
      },
      yAxis: {
        type: 'value',
        name: t('quote.costIn', { currency }),
        axisLabel: { formatter: (v: number) => formatNumber(v, locale) },
      },
      series: [...byCorridor].map(([c, list]) => ({
        name: t(`corridor.${c}`, { defaultValue: c }),
        type: 'scatter',
        symbolSize: (d: number[]) => Math.max(10, Math.min(40, 8 + Math.sqrt(d[2] ?? 0) * 6)),
        itemStyle: { color: CORRIDOR_COLOURS[c] ?? '#555' },
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

  return (
    <div>
      <PageTitle title={t('quote.title')} />
      <form
        onSubmit={submit}
        className="form form-grid"
        aria-label={t('quote.formLabel')}
        data-testid="quote-form"
      >
        <fieldset>
          <legend>{t('quote.shipment')}</legend>
          <label>
            <span>{t('quote.readyAt', { zone: hubZone })}</span>
            <input
              type="datetime-local"
              required
              value={form.readyAt}
              onChange={(e) => set('readyAt', e.target.value)}
              name="readyAt"
            />
          </label>
          <label>
            <span>{t('quote.weightKg')}</span>
            <input
              type="number"
              required
              min="0.01"
              step="0.01"
              value={form.weightKg}
              onChange={(e) => set('weightKg', e.target.value)}
              name="weightKg"
            />
          </label>
          <div className="dims">
            <label>
              <span>{t('quote.lengthCm')}</span>
              <input
                type="number"
                required
                min="1"
                step="0.1"
                value={form.lengthCm}
                onChange={(e) => set('lengthCm', e.target.value)}
                name="lengthCm"
              />
            </label>
            <label>
              <span>{t('quote.widthCm')}</span>
              <input
                type="number"
                required
                min="1"
                step="0.1"
                value={form.widthCm}
                onChange={(e) => set('widthCm', e.target.value)}
                name="widthCm"
              />
            </label>
            <label>
              <span>{t('quote.heightCm')}</span>
              <input
                type="number"
                required
                min="1"
                step="0.1"
                value={form.heightCm}
                onChange={(e) => set('heightCm', e.target.value)}
                name="heightCm"
              />
            </label>
          </div>
          <label className="check">
            <input
              type="checkbox"
              checked={form.batteries}
              onChange={(e) => set('batteries', e.target.checked)}
              name="batteries"
            />
            <span>{t('quote.batteries')}</span>
          </label>
        </fieldset>
        <fieldset>
          <legend>{t('quote.destination')}</legend>
          <label>
            <span>{t('quote.country')}</span>
            <select value={form.country} onChange={(e) => set('country', e.target.value)} name="country">
              {countries.map((c) => (
                <option key={c} value={c}>
                  {countryName(c, locale)} ({c})
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>{t('quote.postcode')}</span>
            <input value={form.postcode} onChange={(e) => set('postcode', e.target.value)} name="postcode" />
          </label>
          <label>
            <span>{t('quote.promised')}</span>
            <input
              type="date"
              value={form.promised}
              onChange={(e) => set('promised', e.target.value)}
              name="promised"
            />
          </label>
        </fieldset>
        <fieldset>
          <legend>{t('quote.goods')}</legend>
          <label>
            <span>{t('quote.goodsDescription')}</span>
            <input value={form.goods} onChange={(e) => set('goods', e.target.value)} name="goods" />
          </label>
          <label>
            <span>{t('parcel.hsCode')}</span>
            <input
              value={form.hsCode}
              onChange={(e) => set('hsCode', e.target.value)}
              pattern="\d{6,10}"
              name="hsCode"
            />
          </label>
          <label>
            <span>{t('quote.unitValue', { currency })}</span>
            <input
              value={form.value}
              onChange={(e) => set('value', e.target.value)}
              inputMode="decimal"
              name="value"
            />
          </label>
          <label>
            <span>{t('parcel.quantity')}</span>
            <input
              type="number"
              min="1"
              step="1"
              value={form.quantity}
              onChange={(e) => set('quantity', e.target.value)}
              name="quantity"
            />
          </label>
        </fieldset>
        <div className="form-actions">
          <button type="submit" disabled={busy}>
            {busy ? t('quote.quoting') : t('quote.submit')}
          </button>
          <span className="hint">{t('quote.currencyHint', { currency })}</span>
        </div>
      </form>
      <ErrorBox error={error} />
      {busy ? <Loading /> : null}
      {answer && !answer.ok ? (
        <div className="error-box" role="alert">
          <strong>{t('quote.noOption')}</strong> {answer.message}
        </div>
      ) : null}
      {options.length > 0 ? (
        <div className="grid">
          <Card title={t('quote.options', { count: options.length })} wide id="quote-options">
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
                          onChange={() => {
                            setSelected(o.id);
                            setLanded(undefined);
                          }}
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
                      <td>
                        {o.legs
                          .filter((l) => l.kind === 'ride')
                          .map((l) => `${nodeName(l.from)} → ${nodeName(l.to)}`)
                          .join(' · ')}
                        <div className="muted">{t('quote.via', { gateway: nodeName(o.gateway) })}</div>
                      </td>
                      <td>
                        {formatInstant(
                          o.departAt,
                          zoneOf(o.legs.find((l) => l.kind === 'ride')?.from ?? ''),
                          locale,
                        )}
                      </td>
                      <td>
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
            <Chart option={chart} label={t('quote.chartTitle')} height={320} />
          </Card>
          <Card title={t('quote.breakdown')}>
            {chosen ? (
              <>
                <table data-testid="cost-breakdown">
                  <caption className="sr-only">{t('quote.breakdown')}</caption>
                  <tbody>
                    {chosen.cost.components.map((c, i) => (
                      <tr key={i}>
                        <th scope="row">
                          {t(`costKind.${c.kind}`, { defaultValue: c.label })}
                          <div className="muted">{c.label}</div>
                        </th>
                        <td className="muted">
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
                      <td className="num">
                        {formatMoney(chosen.cost.totalMinor, chosen.cost.currency, locale)}
                      </td>
                    </tr>
                  </tfoot>
                </table>
                <h3>{t('quote.landedCost')}</h3>
                {features.landedCost ? (
                  <>
                    <button type="button" onClick={() => void computeLanded()}>
                      {t('quote.computeLanded')}
                    </button>
                    <ErrorBox error={landedError} />
                    {landed ? (
                      <table data-testid="landed-cost">
                        <caption className="muted">
                          {landed.ruleSet} · {landed.tier}
                        </caption>
                        <tbody>
                          {landed.lines.map((l, i) => (
                            <tr key={`${l.kind}-${i}`}>
                              <th scope="row">
                                {t(`landedKind.${l.kind}`)}
                                {l.kind === 'duty' || l.kind === 'fee' ? (
                                  <div className="muted">{l.label}</div>
                                ) : null}
                              </th>
                              <td className="muted">
                                {l.detail && l.kind !== 'duty' ? l.detail : ''}
                                {l.payer ? ` ${t(`landedPayer.${l.payer}`, { defaultValue: l.payer })}` : ''}
                              </td>
                              <td className="num">{formatMoney(l.amountMinor, landed.currency, locale)}</td>
                            </tr>
                          ))}
                        </tbody>
                        <tfoot>
                          <tr>
                            <th scope="row">{t('quote.importCharges')}</th>
                            <td />
                            <td className="num">
                              {formatMoney(landed.chargesMinor, landed.currency, locale)}
                            </td>
                          </tr>
                          <tr>
                            <th scope="row">{t('quote.landedTotal')}</th>
                            <td />
                            <td className="num">{formatMoney(landed.totalMinor, landed.currency, locale)}</td>
                          </tr>
                        </tfoot>
                      </table>
                    ) : null}
                  </>
                ) : (
                  <NotAvailable what={t('quote.landedCost')} endpoint="POST /v1/landed-cost" />
                )}
              </>
            ) : null}
          </Card>
        </div>
      ) : null}
    </div>
  );
}
