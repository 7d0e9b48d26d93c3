import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type FxStatus, fxStatus } from '../api/index.ts';

/**
 * A notice in the footer while the newest exchange-rate table is older than a week (the API's own
 * `GET /v1/fx` judgement): every amount the console converts today uses that day's rates.
 */
export function FxNotice({ apiKey }: { readonly apiKey: string }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<FxStatus | undefined>(undefined);
  useEffect(() => {
    let live = true;
    fxStatus(apiKey)
      .then((s) => {
        if (live) setStatus(s);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [apiKey]);
  if (!status?.reference.stale) return null;
  return (
    <p className="fx-notice" role="status" data-testid="fx-notice">
      {t('fx.stale', { date: status.reference.newestDate, days: status.reference.ageDays })}
    </p>
  );
}
