import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { countryName } from '../../format.ts';
import { emptyLine, type GoodsLine, MAX_PARCEL_KG } from './goods.ts';

export interface QuoteForm {
  readyAt: string;
  country: string;
  postcode: string;
  weightKg: string;
  lengthCm: string;
  widthCm: string;
  heightCm: string;
  batteries: boolean;
  promised: string;
  incoterm: 'DDP' | 'DAP';
  lines: GoodsLine[];
}

/** The quote request: parcel, destination, goods lines and Incoterm. */
export function QuoteFormView({
  form,
  set,
  countries,
  currency,
  locale,
  hubZone,
  busy,
  onSubmit,
}: {
  form: QuoteForm;
  set: <K extends keyof QuoteForm>(k: K, v: QuoteForm[K]) => void;
  countries: readonly string[];
  currency: string;
  locale: string;
  hubZone: string;
  busy: boolean;
  onSubmit: (e: FormEvent) => void;
}) {
  const { t } = useTranslation();
  const setLine = (i: number, change: Partial<GoodsLine>) =>
    set(
      'lines',
      form.lines.map((l, j) => (j === i ? { ...l, ...change } : l)),
    );
  const number = (name: keyof QuoteForm, label: string, min: string, step: string, max?: string) => (
    <label>
      <span>{label}</span>
      <input
        type="number"
        required
        min={min}
        step={step}
        {...(max ? { max } : {})}
        value={form[name] as string}
        onChange={(e) => set(name, e.target.value as never)}
        name={name}
      />
    </label>
  );
  return (
    <form
      onSubmit={onSubmit}
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
            aria-describedby="weight-hint"
          />
          <small id="weight-hint" className="hint">
            {t('quote.weightHint', { max: MAX_PARCEL_KG })}
          </small>
        </label>
        <div className="dims">
          {number('lengthCm', t('quote.lengthCm'), '1', '0.1')}
          {number('widthCm', t('quote.widthCm'), '1', '0.1')}
          {number('heightCm', t('quote.heightCm'), '1', '0.1')}
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
        <label>
          <span>{t('quote.incoterm')}</span>
          <select
            value={form.incoterm}
            onChange={(e) => set('incoterm', e.target.value as 'DDP' | 'DAP')}
            name="incoterm"
          >
            <option value="DDP">{t('quote.ddp')}</option>
            <option value="DAP">{t('quote.dap')}</option>
          </select>
        </label>
      </fieldset>
      <fieldset className="goods" data-testid="goods-lines">
        <legend>{t('quote.goods')}</legend>
        {form.lines.map((l, i) => (
          <fieldset key={i} className="goods-line">
            <legend className="sr-only">{t('quote.line', { n: i + 1 })}</legend>
            <label>
              <span>{t('quote.goodsDescription')}</span>
              <input
                value={l.description}
                onChange={(e) => setLine(i, { description: e.target.value })}
                maxLength={200}
              />
            </label>
            <label>
              <span>{t('parcel.hsCode')}</span>
              <input
                value={l.hsCode}
                onChange={(e) => setLine(i, { hsCode: e.target.value })}
                pattern="\d{6}(\d{2}){0,2}"
                inputMode="numeric"
              />
            </label>
            <label>
              <span>{t('parcel.quantity')}</span>
              <input
                type="number"
                min="1"
                step="1"
                value={l.quantity}
                onChange={(e) => setLine(i, { quantity: e.target.value })}
              />
            </label>
            <label>
              <span>{t('quote.unitValue', { currency })}</span>
              <input
                value={l.value}
                onChange={(e) => setLine(i, { value: e.target.value })}
                inputMode="decimal"
              />
            </label>
            <label>
              <span>{t('parcel.origin')}</span>
              <input
                value={l.origin}
                onChange={(e) => setLine(i, { origin: e.target.value.toUpperCase() })}
                maxLength={2}
                pattern="[A-Za-z]{2}"
              />
            </label>
            {form.lines.length > 1 ? (
              <button
                type="button"
                className="link-button"
                onClick={() =>
                  set(
                    'lines',
                    form.lines.filter((_, j) => j !== i),
                  )
                }
              >
                {t('quote.removeLine', { n: i + 1 })}
              </button>
            ) : null}
          </fieldset>
        ))}
        <button
          type="button"
          className="secondary"
          onClick={() => set('lines', [...form.lines, emptyLine()])}
          disabled={form.lines.length >= 100}
        >
          {t('quote.addLine')}
        </button>
      </fieldset>
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {busy ? t('quote.quoting') : t('quote.submit')}
        </button>
        <span className="hint">{t('quote.currencyHint', { currency })}</span>
      </div>
    </form>
  );
}
