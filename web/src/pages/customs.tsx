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
import { countryName, formatMoney, formatNumber } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { Link } from '../router.tsx';
import { useSignedIn } from '../session.tsx';

const STATUSES: readonly api.DeclarationStatus[] = [
  'held',
  'rejected',
  'sent',
  'accepted',
  'manual-review',
  'inspection',
  'released',
  'concluded',
  'cleared',
  'cancelled',
];
const DOCUMENTS: readonly api.DocumentKind[] = ['order', 'payment', 'waybill', 'list'];

/**
 * Customs: export declarations by status, each mismatch or rejection with its reason, a parcel's
 * documents, re-filing (resend) a departure, and the export statistics customs publish (operator).
 */
export function CustomsPage() {
  const { t } = useTranslation();
  const { session, locale, currency } = useSignedIn();
  const operator = session.principal.role === 'operator';
  const [status, setStatus] = useState<api.DeclarationStatus | ''>('');
  const [selected, setSelected] = useState<string>();
  const queue = useAsync(() => api.declarations(session.key, status || undefined), [session.key, status]);
  const stats = useAsync(
    () => (operator ? api.customsStatistics(session.key, currency) : Promise.resolve(undefined)),
    [session.key, currency, operator],
  );
  const q = queue.data;
  return (
    <div>
      <PageTitle title={t('customs.title')} />
      <ErrorBox error={queue.error} />
      <CountFilter
        testId="declaration-statuses"
        legend={t('customs.status')}
        values={STATUSES.filter((s) => !q || (q.counts[s] ?? 0) > 0 || s === status)}
        value={status}
        onChange={setStatus}
        label={(s) => t(`customs.statuses.${s}`)}
        count={(s) => (q ? formatNumber(q.counts[s] ?? 0, locale) : undefined)}
      />
      {queue.loading && !q ? <Loading /> : null}
      {q ? (
        <Card title={t('customs.queue')} wide id="declarations">
          {q.items.length === 0 ? (
            <Empty>{t('customs.none')}</Empty>
          ) : (
            <TableScroll label={t('customs.queueTable')}>
              <table data-testid="declarations-table">
                <thead>
                  <tr>
                    <th scope="col">{t('customs.parcel')}</th>
                    <th scope="col">{t('customs.status')}</th>
                    <th scope="col">{t('customs.why')}</th>
                    <th scope="col">{t('customs.departure')}</th>
                  </tr>
                </thead>
                <tbody>
                  {q.items.map((d) => (
                    <tr key={d.parcelId} data-status={d.status}>
                      <td>
                        <button type="button" className="link-button" onClick={() => setSelected(d.parcelId)}>
                          {d.orderNo}
                        </button>
                        <div className="muted">{d.logisticsNo}</div>
                      </td>
                      <td>{t(`customs.statuses.${d.status}`)}</td>
                      <td data-testid="declaration-why">
                        {d.reason ? <div>{d.reason}</div> : null}
                        {d.mismatches.map((m, i) => (
                          <div key={i}>
                            {t('customs.mismatch', {
                              document: t(`customs.documents.${m.document}`, { defaultValue: m.document }),
                              field: m.field,
                              expected: m.expected,
                              actual: m.actual,
                            })}
                          </div>
                        ))}
                      </td>
                      <td className="nowrap">{d.departureId}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
        </Card>
      ) : null}
      {selected ? <DeclarationDetail parcelId={selected} onChanged={queue.reload} /> : null}
      {stats.data ? <Statistics stats={stats.data} locale={locale} /> : null}
      <ErrorBox error={stats.error} />
    </div>
  );
}

function DeclarationDetail({ parcelId, onChanged }: { parcelId: string; onChanged: () => void }) {
  const { t } = useTranslation();
  const { session } = useSignedIn();
  const operator = session.principal.role === 'operator';
  const detail = useAsync(() => api.customsParcel(session.key, parcelId), [session.key, parcelId]);
  const [doc, setDoc] = useState<{ kind: api.DocumentKind; xml: string }>();
  const [error, setError] = useState<unknown>();
  const [resent, setResent] = useState<string>();
  const d = detail.data;
  const show = async (kind: api.DocumentKind) => {
    setError(undefined);
    try {
      setDoc({ kind, xml: await api.customsDocument(session.key, parcelId, kind) });
    } catch (err) {
      setError(err);
    }
  };
  const resend = async () => {
    if (!d) return;
    setError(undefined);
    try {
      await api.refileDeparture(session.key, d.departureId);
      setResent(t('customs.resent', { departure: d.departureId }));
      onChanged();
      detail.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Card title={t('customs.detail', { order: d?.orderNo ?? parcelId })} wide id="declaration">
      <ErrorBox error={detail.error ?? error} />
      {d ? (
        <>
          <p>
            <Link to={`/parcels/${encodeURIComponent(parcelId)}`}>{t('customs.openParcel')}</Link> ·{' '}
            {t(`customs.statuses.${d.status}`)}
            {d.invtNo ? ` · ${d.invtNo}` : ''}
          </p>
          <div className="actions" data-testid="documents">
            {DOCUMENTS.map((k) => (
              <button key={k} type="button" className="secondary" onClick={() => void show(k)}>
                {t(`customs.documents.${k}`)}
                {d.documentStatus[k] ? ` · ${d.documentStatus[k]}` : ''}
              </button>
            ))}
            {operator && (d.status === 'held' || d.status === 'rejected') ? (
              <button type="button" onClick={() => void resend()} data-testid="resend">
                {t('customs.resend')}
              </button>
            ) : null}
          </div>
          {resent ? <p role="status">{resent}</p> : null}
          {doc ? (
            <TableScroll label={t(`customs.documents.${doc.kind}`)}>
              <pre className="xml" data-testid="document-xml">
                {doc.xml}
              </pre>
            </TableScroll>
          ) : null}
        </>
      ) : null}
    </Card>
  );
}

function Statistics({ stats, locale }: { stats: api.CustomsStatistics; locale: string }) {
  const { t } = useTranslation();
  const money = (v: number) => formatMoney(v, stats.reportCurrency, locale);
  const groups: { key: keyof api.CustomsStatistics['by']; label: (k: string) => string }[] = [
    { key: 'destination', label: (k) => countryName(k, locale) },
    { key: 'hsChapter', label: (k) => k },
    { key: 'corridor', label: (k) => t(`corridor.${k}`, { defaultValue: k }) },
    { key: 'month', label: (k) => k },
  ];
  return (
    <Card title={t('customs.statistics', { currency: stats.reportCurrency })} wide id="customs-statistics">
      <p data-testid="customs-total">
        {t('customs.released', {
          parcels: formatNumber(stats.parcels, locale),
          value: money(stats.reportValueMinor),
        })}
      </p>
      <div className="grid">
        {groups.map((g) => (
          <TableScroll key={g.key} label={t(`customs.by.${g.key}`)}>
            <table>
              <caption>{t(`customs.by.${g.key}`)}</caption>
              <thead>
                <tr>
                  <th scope="col">{t(`customs.by.${g.key}`)}</th>
                  <th scope="col" className="num">
                    {t('customs.parcels')}
                  </th>
                  <th scope="col" className="num">
                    {t('customs.value')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {stats.by[g.key].slice(0, 12).map((r) => (
                  <tr key={r.key}>
                    <td>{g.label(r.key)}</td>
                    <td className="num">{formatNumber(r.parcels, locale)}</td>
                    <td className="num">{money(r.reportValueMinor)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        ))}
      </div>
    </Card>
  );
}
