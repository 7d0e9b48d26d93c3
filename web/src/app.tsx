import { lazy, type ReactNode, Suspense, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Loading } from './components/common.tsx';
import { ErrorBoundary } from './components/error-boundary.tsx';
import { FxNotice } from './components/fx-notice.tsx';
import { DISPLAY_CURRENCIES } from './format.ts';
import { LANGUAGES } from './i18n.ts';
import { SignInPage } from './pages/sign-in.tsx';
import { Link, useLocation } from './router.tsx';
import { useSession } from './session.tsx';

// Each page loads when first opened (the map's world data and three.js only there); a page whose file
// is gone after a deploy ends in the error boundary, which offers a reload.
const DashboardPage = lazy(() => import('./pages/dashboard.tsx').then((m) => ({ default: m.DashboardPage })));
const MapPage = lazy(() => import('./pages/map.tsx').then((m) => ({ default: m.MapPage })));
const BoardPage = lazy(() => import('./pages/board/index.tsx').then((m) => ({ default: m.BoardPage })));
const ContainerPage = lazy(() => import('./pages/container.tsx').then((m) => ({ default: m.ContainerPage })));
const QuotePage = lazy(() => import('./pages/quote/index.tsx').then((m) => ({ default: m.QuotePage })));
const ParcelsPage = lazy(() => import('./pages/parcels.tsx').then((m) => ({ default: m.ParcelsPage })));
const ExceptionsPage = lazy(() =>
  import('./pages/exceptions.tsx').then((m) => ({ default: m.ExceptionsPage })),
);
const CustomsPage = lazy(() => import('./pages/customs.tsx').then((m) => ({ default: m.CustomsPage })));
const WebhooksPage = lazy(() => import('./pages/webhooks.tsx').then((m) => ({ default: m.WebhooksPage })));
const TrackPage = lazy(() => import('./pages/track.tsx').then((m) => ({ default: m.TrackPage })));
const ParcelPage = lazy(() => import('./pages/parcels.tsx').then((m) => ({ default: m.ParcelPage })));

type Role = 'operator' | 'seller';
const NAV: readonly { to: string; key: string; roles?: readonly Role[] }[] = [
  { to: '/', key: 'nav.dashboard' },
  { to: '/map', key: 'nav.map' },
  { to: '/board', key: 'nav.board' },
  { to: '/container', key: 'nav.container' },
  { to: '/quote', key: 'nav.quote' },
  { to: '/parcels', key: 'nav.parcels' },
  { to: '/customs', key: 'nav.customs' },
  { to: '/exceptions', key: 'nav.exceptions', roles: ['operator'] },
  { to: '/webhooks', key: 'nav.webhooks', roles: ['seller'] },
];

/** Public pages: open without a key (the buyer's tracking page). */
function publicRoute(path: string): ReactNode | undefined {
  const m = /^\/track(?:\/([^/]+))?\/?$/.exec(path);
  return m ? <TrackPage number={m[1] ? decodeURIComponent(m[1]) : undefined} /> : undefined;
}

function route(path: string): ReactNode {
  if (path === '/' || path === '/dashboard') return <DashboardPage />;
  if (path === '/map') return <MapPage />;
  if (path === '/board') return <BoardPage />;
  if (path === '/container') return <ContainerPage />;
  if (path === '/quote') return <QuotePage />;
  if (path === '/parcels') return <ParcelsPage />;
  if (path === '/exceptions') return <ExceptionsPage />;
  if (path === '/webhooks') return <WebhooksPage />;
  if (path === '/customs') return <CustomsPage />;
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
  const publicPage = publicRoute(path);

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
            {NAV.filter((n) => !n.roles || n.roles.includes(session.principal.role)).map((n) => (
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
        {publicPage ? (
          <ErrorBoundary resetKey={path}>
            <Suspense fallback={<Loading />}>{publicPage}</Suspense>
          </ErrorBoundary>
        ) : restoring ? (
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
