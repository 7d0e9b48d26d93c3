import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api/index.ts';
import { countryName } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { navigate } from '../router.tsx';

type Lang = api.TrackingLanguage;

/**
 * The public tracking page's own words, in the languages of the corridor's buyers: the milestones'
 * labels come from the API in the same language. Nothing here names a person or an address.
 */
const WORDS: Record<
  Lang,
  {
    title: string;
    number: string;
    find: string;
    eta: string;
    none: string;
    history: string;
    language: string;
  }
> = {
  en: {
    title: 'Track a parcel',
    number: 'Tracking number',
    find: 'Track',
    eta: 'Expected delivery',
    none: 'No parcel has this tracking number. Check the number and try again.',
    history: 'Journey',
    language: 'Language',
  },
  'zh-CN': {
    title: '包裹跟踪',
    number: '跟踪号',
    find: '查询',
    eta: '预计送达',
    none: '没有使用此跟踪号的包裹。请核对后重试。',
    history: '运输轨迹',
    language: '语言',
  },
  ru: {
    title: 'Отследить посылку',
    number: 'Трек-номер',
    find: 'Отследить',
    eta: 'Ожидаемая доставка',
    none: 'Посылка с таким трек-номером не найдена. Проверьте номер и попробуйте снова.',
    history: 'Путь посылки',
    language: 'Язык',
  },
  pl: {
    title: 'Śledzenie przesyłki',
    number: 'Numer przesyłki',
    find: 'Śledź',
    eta: 'Przewidywane doręczenie',
    none: 'Nie ma przesyłki o tym numerze. Sprawdź numer i spróbuj ponownie.',
    history: 'Przebieg przesyłki',
    language: 'Język',
  },
  de: {
    title: 'Sendung verfolgen',
    number: 'Sendungsnummer',
    find: 'Verfolgen',
    eta: 'Voraussichtliche Zustellung',
    none: 'Zu dieser Sendungsnummer gibt es keine Sendung. Bitte prüfen Sie die Nummer.',
    history: 'Sendungsverlauf',
    language: 'Sprache',
  },
};
const LANGS: readonly { code: Lang; label: string }[] = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
  { code: 'ru', label: 'Русский' },
  { code: 'pl', label: 'Polski' },
  { code: 'de', label: 'Deutsch' },
];

function initialLang(console: string): Lang {
  const asked = new URLSearchParams(window.location.search).get('lang');
  const all = LANGS.map((l) => l.code) as string[];
  if (asked && all.includes(asked)) return asked as Lang;
  if (all.includes(console)) return console as Lang;
  const browser = navigator.language.toLowerCase();
  if (browser.startsWith('zh')) return 'zh-CN';
  return (LANGS.find((l) => browser.startsWith(l.code))?.code ?? 'en') as Lang;
}

/** Anyone's page for one parcel: milestones at city level and the ETA window, no key, no personal data. */
export function TrackPage({ number }: { number: string | undefined }) {
  const { i18n } = useTranslation();
  const [lang, setLang] = useState<Lang>(() => initialLang(i18n.language));
  const [text, setText] = useState(number ?? '');
  const w = WORDS[lang];
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = `${w.title} · Landbridge`;
  }, [lang, w.title]);
  const tracking = useAsync(
    () => (number ? api.track(number, lang) : Promise.resolve(undefined)),
    [number, lang],
  );
  const date = (iso: string) =>
    new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(Date.parse(iso));
  const day = (iso: string) => new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(Date.parse(iso));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) navigate(`/track/${encodeURIComponent(text.trim())}?lang=${lang}`);
  };
  const r = tracking.data;
  const notFound = tracking.error instanceof api.ApiError && [404, 422].includes(tracking.error.status);

  return (
    <div className="track" lang={lang}>
      <div className="page-title">
        <h1>{w.title}</h1>
        <label className="inline-label">
          <span>{w.language}</span>
          <select value={lang} onChange={(e) => setLang(e.target.value as Lang)} data-testid="track-language">
            {LANGS.map((l) => (
              <option key={l.code} value={l.code} lang={l.code}>
                {l.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <form onSubmit={submit} className="inline-form">
        <label htmlFor="track-number">{w.number}</label>
        <input id="track-number" value={text} onChange={(e) => setText(e.target.value)} maxLength={40} />
        <button type="submit">{w.find}</button>
      </form>
      <div aria-live="polite">
        {notFound ? (
          <p className="error-box" role="alert">
            {w.none}
          </p>
        ) : tracking.error ? (
          <p className="error-box" role="alert">
            {tracking.error instanceof Error ? tracking.error.message : String(tracking.error)}
          </p>
        ) : null}
        {r ? (
          <section className="card" data-testid="tracking">
            <p className="stat-value" data-testid="track-status">
              {r.statusLabel}
            </p>
            <p className="muted">
              {r.number} · {countryName(r.destinationCountry, lang)}
            </p>
            {r.eta ? (
              <p data-testid="track-eta">
                <strong>{w.eta}:</strong> {r.eta.label} ({day(r.eta.earliest)} – {day(r.eta.latest)})
              </p>
            ) : null}
            <h2>{w.history}</h2>
            <ol className="timeline">
              {[...r.milestones].reverse().map((m, i) => (
                <li key={`${m.code}-${i}`}>
                  <time dateTime={m.at}>{date(m.at)}</time> <strong>{m.label}</strong>
                  {m.place
                    ? ` · ${[m.place.city, m.place.country ? countryName(m.place.country, lang) : undefined].filter(Boolean).join(', ')}`
                    : ''}
                </li>
              ))}
            </ol>
          </section>
        ) : null}
      </div>
    </div>
  );
}
