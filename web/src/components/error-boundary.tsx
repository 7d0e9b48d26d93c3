import { Component, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBox } from './common.tsx';

/** A page's code that no longer exists on the server (a deploy replaced the hashed files). */
export function isStaleChunk(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /dynamically imported module|Importing a module script failed|error loading dynamically imported module|Failed to fetch/i.test(
    message,
  );
}

/** Said when a page's code is gone after a deploy: a reload fetches the new version. */
function StaleChunk() {
  const { t } = useTranslation();
  return (
    <div className="error-box" role="alert" data-testid="stale-chunk">
      <strong>{t('errors.staleTitle')}</strong> {t('errors.staleBody')}{' '}
      <button type="button" onClick={() => window.location.reload()}>
        {t('errors.reload')}
      </button>
    </div>
  );
}

/** Keeps a failing page from blanking the console: shows its error, resets when the path changes. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, { error: unknown }> {
  override state: { error: unknown } = { error: undefined };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override componentDidUpdate(previous: { resetKey: string }) {
    if (previous.resetKey !== this.props.resetKey && this.state.error !== undefined)
      this.setState({ error: undefined });
  }

  override render() {
    if (this.state.error === undefined) return this.props.children;
    return isStaleChunk(this.state.error) ? <StaleChunk /> : <ErrorBox error={this.state.error} />;
  }
}
