import { lazy, type ReactNode, Suspense, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Loading } from './components/common.tsx';
import { ErrorBoundary } from './components/error-boundary.tsx';
import { FxNotice } from './components/fx-notice.tsx';
import { DISPLAY_CURRENCIES } from './format.ts';
import { LANGUAGES } from './i18n.ts';
import { BoardPage } from './pages/board.tsx';
import { DashboardPage } from './pages/dashboard.tsx';
import { ParcelPage, ParcelsPage } from './pages/parcels.tsx';
import { QuotePage } from './pages/quote.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { Link, useLocation } from './router.tsx';
import { useSession } from './session.tsx';

// The map (world data) and the container view (three.js) load when first opened.
const MapPage = lazy(() => import('./pages/map.tsx').then((m) => ({ default: m.MapPage })));
const ContainerPage = lazy(() => import('./pages/container.tsx').then((m) => ({ default: m.ContainerPage })));

const NAV = [
  { to: '/', key: 'nav.dashboard' },
  { to: '/map', key: 'nav.map' },
  { to: '/board', key: 'nav.board' },
  { to: '/container', key: 'nav.container' },
  { to: '/quote', key: 'nav.quote' },
  { to: '/parcels', key: 'nav.parcels' },
] as const;

function route(path: string): ReactNode {
  if (path === '/' || path === '/dashboard') return <DashboardPage />;
  if (path === '/map') return <MapPage />;
  if (path === '/board') return <BoardPage />;
  if (path === '/container') return <ContainerPage />;
  if (path === '/quote') return <QuotePage />;
  if (path === '/parcels') return <ParcelsPage />;
  const parcel = /^\/parcels\/([^/]+)$/.exec(path);
  if (parcel?.[1]) return <ParcelPage id={decodeURIComponent(parcel[1])} />;
  return <NotFound />;
}

function NotFound() {
  const { t } = useTranslation();
  return (
    <div>
      <h1>{t('notFound.title')}</h1>
      <p>
        <Link to="/">{t('notFound.back')}</Link>
      </p>
    </div>
  );
}

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <label className="header-control">
      <span>{t('header.language')}</span>
      <select
        value={i18n.language}
        onChange={(e) => void i18n.changeLanguage(e.target.value)}
        data-testid="language"
      >
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function CurrencySwitch() {
  const { t } = useTranslation();
  const { currency, setCurrency } = useSession();
  return (
    <label className="header-control">
      <span>{t('header.currency')}</span>
      <select value={currency} onChange={(e) => setCurrency(e.target.value)} data-testid="currency">
        {DISPLAY_CURRENCIES.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The console's frame: skip link, header with navigation, language, currency and who is signed in. */
export function App() {
  const { t } = useTranslation();
  const { session, signOut, restoring, network } = useSession();
  const { path } = useLocation();
  const main = useRef<HTMLElement>(null);

  // Move focus to the page's content after in-app navigation, as a page load would.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [path]);

  useEffect(() => {
    document.title = `${t('app.title')} · Landbridge`;
  }, [t]);

  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="app-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span>
            <strong>Landbridge</strong> <span className="brand-sub">{t('app.title')}</span>
          </span>
        </div>
        {session ? (
          <nav aria-label={t('nav.label')} className="main-nav">
            {NAV.map((n) => (
              <Link key={n.to} to={n.to} exact={n.to === '/'}>
                {t(n.key)}
              </Link>
            ))}
          </nav>
        ) : null}
        <div className="header-tools">
          <LanguageSwitch />
          <CurrencySwitch />
          {session ? (
            <div className="who">
              <span data-testid="who">
                {session.principal.role === 'operator'
                  ? t('header.operator')
                  : t('header.seller', { id: session.principal.sellerId })}
              </span>
              <button type="button" className="link-button" onClick={signOut}>
                {t('header.signOut')}
              </button>
            </div>
          ) : null}
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {restoring ? (
          <Loading />
        ) : session && network ? (
          <ErrorBoundary resetKey={path}>
            <Suspense fallback={<Loading />}>{route(path)}</Suspense>
          </ErrorBoundary>
        ) : (
          <SignInPage />
        )}
      </main>
      <footer className="app-footer">
        {network ? t('footer.network', { name: network.name, version: network.version }) : null}{' '}
        <a href="/docs">{t('footer.api')}</a>
        {/* last in the page: appearing after a fetch moves nothing above it */}
        {session ? <FxNotice apiKey={session.key} /> : null}
      </footer>
    </>
  );
}
