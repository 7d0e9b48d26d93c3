import type { TFunction } from 'i18next';
import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../../api/index.ts';
import { ErrorBox, Loading, PageTitle } from '../../components/common.tsx';
import { countryName, todayIn, zoneOffset } from '../../format.ts';
import { useSignedIn } from '../../session.tsx';
import { type QuoteForm, QuoteFormView } from './form.tsx';
import { emptyLine, itemsOf, MAX_PARCEL_KG } from './goods.ts';
import { LandedCostCard } from './landed.tsx';
import { QuoteResults } from './results.tsx';

function nextHourIn(zone: string, nowMs = Date.now()): string {
  // the hour an hour from now, on its own date: at 23:30 it is tomorrow's 00:00, never a time gone by
  const later = nowMs + 3_600_000;
  const hour = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(
    later,
  );
  return `${todayIn(zone, later)}T${hour.padStart(2, '0')}:00`;
}

/** A plain sentence for a quote that has no option, from the API's code. */
function noOptionMessage(
  answer: Extract<api.QuoteAnswer, { ok: false }>,
  country: string,
  t: TFunction,
): string {
  const known = ['refused-by-last-mile', 'no-zone', 'no-itinerary', 'outside-horizon'];
  return known.includes(answer.code)
    ? t(`quote.refused.${answer.code}`, { country, detail: answer.message })
    : answer.message;
}

/**
 * Quote: the Pareto options for a parcel (time, cost, CO₂e), with its goods lines and Incoterm, and the
 * landed cost of the goods, which needs no quote first.
 */
export function QuotePage() {
  const { t } = useTranslation();
  const { session, network, currency, locale, hubZone } = useSignedIn();
  const countries = useMemo(
    () =>
      [...new Set(network.lastMile.map((z) => z.country))].sort((a, b) =>
        countryName(a, locale).localeCompare(countryName(b, locale), locale),
      ),
    [network, locale],
  );
  const [form, setForm] = useState<QuoteForm>(() => ({
    readyAt: nextHourIn(hubZone),
    country: 'DE',
    postcode: '10115',
    weightKg: '1.2',
    lengthCm: '30',
    widthCm: '20',
    heightCm: '10',
    batteries: false,
    promised: '',
    incoterm: 'DDP',
    lines: [{ ...emptyLine(t('quote.defaultGoods')), hsCode: '610910', quantity: '2', value: '40' }],
  }));
  const [answer, setAnswer] = useState<api.QuoteAnswer>();
  const [problem, setProblem] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [selected, setSelected] = useState<string>();
  const [landed, setLanded] = useState<api.LandedCost>();
  const [landedError, setLandedError] = useState<unknown>();
  const [landedBusy, setLandedBusy] = useState(false);

  const set = <K extends keyof QuoteForm>(k: K, v: QuoteForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const options = answer?.ok ? answer.options : [];
  const chosen = options.find((o) => o.id === selected);
  const money = currency as api.Currency;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setProblem(undefined);
    setLanded(undefined);
    setLandedError(undefined);
    const weightKg = Number(form.weightKg);
    if (!(weightKg > 0 && weightKg <= MAX_PARCEL_KG)) {
      setAnswer(undefined);
      setProblem(t('quote.tooHeavy', { max: MAX_PARCEL_KG, weight: form.weightKg }));
      return;
    }
    const goods = itemsOf(form.lines, currency);
    if (!goods.ok) {
      setAnswer(undefined);
      setProblem(t('quote.badLine', { n: goods.line }));
      return;
    }
    setBusy(true);
    try {
      const date = form.readyAt.slice(0, 10);
      const res = await api.quote(session.key, {
        readyAt: `${form.readyAt}:00${zoneOffset(hubZone, date)}`,
        destination: {
          country: form.country,
          ...(form.postcode.trim() ? { postcode: form.postcode.trim() } : {}),
        },
        currency: money,
        incoterm: form.incoterm,
        ...(form.promised ? { promisedDeliveryDate: form.promised } : {}),
        shipment: {
          kind: 'parcel',
          grossWeightG: Math.round(weightKg * 1000),
          dimensions: {
            lengthMm: Math.round(Number(form.lengthCm) * 10),
            widthMm: Math.round(Number(form.widthCm) * 10),
            heightMm: Math.round(Number(form.heightCm) * 10),
          },
          dangerousGoods: form.batteries ? ['UN3481'] : [],
          items: goods.items.map((i) => ({ ...i, currency: money })),
        },
      } as api.QuoteRequest);
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

  const computeLanded = async () => {
    setLandedError(undefined);
    const goods = itemsOf(form.lines, currency);
    if (!goods.ok) {
      setLandedError(new Error(t('quote.badLine', { n: goods.line })));
      return;
    }
    setLandedBusy(true);
    try {
      setLanded(
        await api.landedCost(session.key, {
          destination: form.country,
          date: chosen?.deliveryDate ?? todayIn(hubZone),
          incoterm: form.incoterm,
          shippingMinor: chosen?.cost.totalMinor ?? 0,
          costsCurrency: (chosen?.cost.currency ?? currency) as api.Currency,
          currency: money,
          items: goods.items.map((i) => ({ ...i, currency: money })),
          grossWeightG: Math.round(Number(form.weightKg) * 1000),
        } as api.LandedCostRequest),
      );
    } catch (err) {
      setLandedError(err);
    } finally {
      setLandedBusy(false);
    }
  };

  return (
    <div>
      <PageTitle title={t('quote.title')} />
      <div className="quote-layout">
        <QuoteFormView
          form={form}
          set={set}
          countries={countries}
          currency={currency}
          locale={locale}
          hubZone={hubZone}
          busy={busy}
          onSubmit={(e) => void submit(e)}
        />
        <LandedCostCard
          landed={landed}
          error={landedError}
          busy={landedBusy}
          chosen={chosen}
          locale={locale}
          onCompute={() => void computeLanded()}
        />
      </div>
      <div aria-live="polite" data-testid="quote-status">
        {busy ? <Loading label={t('quote.quoting')} /> : null}
        {problem ? (
          <div className="error-box" role="alert" data-testid="quote-problem">
            {problem}
          </div>
        ) : null}
        {answer && !answer.ok ? (
          <div className="error-box" role="alert" data-testid="quote-problem">
            <strong>{t('quote.noOption')}</strong>{' '}
            {noOptionMessage(answer, countryName(form.country, locale), t)}
          </div>
        ) : null}
        {answer?.ok ? <p className="sr-only">{t('quote.options', { count: options.length })}</p> : null}
      </div>
      <ErrorBox error={error} />
      {options.length > 0 ? (
        <QuoteResults
          options={options}
          selected={selected}
          onSelect={(id) => {
            setSelected(id);
            setLanded(undefined);
          }}
        />
      ) : null}
    </div>
  );
}
