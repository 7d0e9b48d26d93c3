import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/index.ts';

export function PageTitle({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="page-title">
      <h1>{title}</h1>
      {children ? <div className="page-title-actions">{children}</div> : null}
    </div>
  );
}

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status" aria-live="polite">
      {label ?? t('common.loading')}
    </p>
  );
}

/** An error as the user can act on it: the API's message and its list of problems. */
export function ErrorBox({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (error === undefined || error === null) return null;
  const message =
    error instanceof ApiError
      ? error.status === 0
        ? t('errors.network')
        : error.status === 401
          ? t('errors.unauthorized')
          : error.message
      : error instanceof Error
        ? error.message
        : String(error);
  return (
    <div className="error-box" role="alert">
      <strong>{t('errors.title')}</strong> {message}
      {error instanceof ApiError && error.problems.length > 0 ? (
        <ul>
          {error.problems.map((p, i) => (
            <li key={i}>
              {p.where?.field ? <code>{p.where.field}</code> : null} {p.why}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** A feature the server does not offer yet: said plainly, never filled with made-up figures. */
export function NotAvailable({ what, endpoint }: { what: string; endpoint?: string }) {
  const { t } = useTranslation();
  return (
    <div className="not-available" role="note">
      <strong>{t('common.notAvailableTitle', { what })}</strong>
      <p>
        {t('common.notAvailableBody')}
        {endpoint ? (
          <>
            {' '}
            <code>{endpoint}</code>
          </>
        ) : null}
      </p>
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: ReactNode }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint ? <div className="stat-hint">{hint}</div> : null}
    </div>
  );
}

export function Card({
  title,
  children,
  wide = false,
  id,
}: {
  title: string;
  children: ReactNode;
  wide?: boolean;
  id?: string;
}) {
  const headingId = id ? `${id}-title` : undefined;
  return (
    <section className={wide ? 'card card-wide' : 'card'} aria-labelledby={headingId} id={id}>
      <h2 id={headingId}>{title}</h2>
      {children}
    </section>
  );
}

/** A 0–1 share as a native meter: green when nearly full, amber half full, red when low. */
export function Meter({ value, label }: { value: number; label: string }) {
  return (
    <meter
      className="meter"
      min={0}
      max={1}
      low={0.5}
      high={0.85}
      optimum={1}
      value={value}
      aria-label={label}
    >
      {Math.round(value * 100)}%
    </meter>
  );
}

/**
 * A table that may scroll sideways on a narrow screen: a named region the keyboard can reach, so the
 * hidden columns can be scrolled into view without a mouse.
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus to be scrolled by keyboard
    <section className="table-wrap" tabIndex={0} aria-label={label}>
      {children}
    </section>
  );
}

/**
 * A queue's filter: "All" and one button per value, each with its count once the queue has loaded
 * (the pressed one is the filter in force). The customs and exceptions queues share it.
 */
export function CountFilter<V extends string>({
  testId,
  legend,
  values,
  value,
  onChange,
  label,
  count,
}: {
  testId: string;
  legend: string;
  values: readonly V[];
  value: V | '';
  onChange: (value: V | '') => void;
  label: (value: V) => string;
  /** The value's count as shown, undefined before the queue has loaded. */
  count: (value: V) => string | undefined;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="segmented" data-testid={testId}>
      <legend className="sr-only">{legend}</legend>
      <button type="button" aria-pressed={value === ''} onClick={() => onChange('')}>
        {t('common.all')}
      </button>
      {values.map((v) => {
        const n = count(v);
        return (
          <button key={v} type="button" aria-pressed={value === v} onClick={() => onChange(v)}>
            {label(v)}
            {n === undefined ? '' : ` (${n})`}
          </button>
        );
      })}
    </fieldset>
  );
}
