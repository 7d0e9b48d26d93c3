import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api/index.ts';
import {
  Card,
  CountFilter,
  Empty,
  ErrorBox,
  Loading,
  PageTitle,
  TableScroll,
} from '../components/common.tsx';
import { formatInstant, formatNumber } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { Link } from '../router.tsx';
import { useSignedIn } from '../session.tsx';

const KINDS: readonly api.ExceptionKind[] = [
  'customs-hold',
  'delivery-failed',
  'reweigh',
  'late-departure',
  'skipped-milestones',
];

/** The operator's exceptions queue: customs holds, failed deliveries, re-weigh differences, late departures. */
export function ExceptionsPage() {
  const { t } = useTranslation();
  const { session, locale, hubZone } = useSignedIn();
  const [kind, setKind] = useState<api.ExceptionKind | ''>('');
  const queue = useAsync(() => api.exceptions(session.key, kind || undefined), [session.key, kind]);
  const q = queue.data;
  return (
    <div>
      <PageTitle title={t('exceptions.title')} />
      <ErrorBox error={queue.error} />
      <CountFilter
        testId="exception-kinds"
        legend={t('exceptions.kind')}
        values={KINDS}
        value={kind}
        onChange={setKind}
        label={(k) => t(`exceptions.kinds.${k}`)}
        count={(k) => (q ? formatNumber(q.counts[k], locale) : undefined)}
      />
      {queue.loading && !q ? <Loading /> : null}
      {q ? (
        <Card title={t('exceptions.queue', { count: q.items.length })} wide id="exceptions">
          {q.items.length === 0 ? (
            <Empty>{t('exceptions.none')}</Empty>
          ) : (
            <TableScroll label={t('exceptions.title')}>
              <table data-testid="exceptions-table">
                <thead>
                  <tr>
                    <th scope="col">{t('exceptions.kind')}</th>
                    <th scope="col">{t('exceptions.what')}</th>
                    <th scope="col">{t('exceptions.detail')}</th>
                    <th scope="col">{t('exceptions.since')}</th>
                  </tr>
                </thead>
                <tbody>
                  {q.items.map((e, i) => (
                    <tr key={`${e.kind}-${e.parcelId ?? e.departureId}-${i}`} data-kind={e.kind}>
                      <td>{t(`exceptions.kinds.${e.kind}`)}</td>
                      <td>
                        {e.parcelId ? (
                          <Link to={`/parcels/${encodeURIComponent(e.parcelId)}`}>
                            {e.trackingNumber ?? e.parcelId}
                          </Link>
                        ) : (
                          (e.departureId ?? '—')
                        )}
                        {e.sellerId ? <div className="muted">{e.sellerId}</div> : null}
                      </td>
                      <td>{e.detail}</td>
                      <td className="nowrap">{formatInstant(e.since, hubZone, locale)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
        </Card>
      ) : null}
    </div>
  );
}
