import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api/index.ts';
import { Card, Empty, ErrorBox, Loading, PageTitle, TableScroll } from '../components/common.tsx';
import { formatInstant } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { useSignedIn } from '../session.tsx';

const EVENT_TYPES = ['parcel.event', 'parcel.eta_changed'] as const;

/** A seller's webhook subscriptions: add one (its secret shown once), and each one's delivery log with replay. */
export function WebhooksPage() {
  const { t } = useTranslation();
  const { session, locale, hubZone } = useSignedIn();
  const list = useAsync(() => api.subscriptions(session.key), [session.key]);
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState<string[]>(['parcel.event']);
  const [created, setCreated] = useState<{ id: string; secret: string }>();
  const [error, setError] = useState<unknown>();
  const [open, setOpen] = useState<string>();

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const s = await api.subscribe(session.key, {
        url: url.trim(),
        eventTypes: types as api.NewSubscription['eventTypes'],
      });
      setCreated({ id: s.id, secret: s.secret });
      setUrl('');
      list.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div>
      <PageTitle title={t('webhooks.title')} />
      <div className="grid">
        <Card title={t('webhooks.add')} id="add-webhook">
          <form onSubmit={(e) => void add(e)} className="form" data-testid="webhook-form">
            <label>
              <span>{t('webhooks.url')}</span>
              <input
                type="url"
                required
                value={url}
                onChange={(e) => setUrl(e.target.value)}
                placeholder="https://example.com/landbridge"
              />
            </label>
            <fieldset className="checks">
              <legend>{t('webhooks.events')}</legend>
              {EVENT_TYPES.map((ty) => (
                <label key={ty} className="check">
                  <input
                    type="checkbox"
                    checked={types.includes(ty)}
                    onChange={(e) =>
                      setTypes((x) => (e.target.checked ? [...x, ty] : x.filter((y) => y !== ty)))
                    }
                  />
                  <span>{t(`webhooks.type.${ty}`)}</span>
                </label>
              ))}
            </fieldset>
            <button type="submit" disabled={types.length === 0}>
              {t('webhooks.subscribe')}
            </button>
          </form>
          <ErrorBox error={error} />
          {created ? (
            <p data-testid="webhook-secret" role="status">
              {t('webhooks.secretOnce')} <code>{created.secret}</code>
            </p>
          ) : null}
        </Card>
        <Card title={t('webhooks.list')} id="webhooks">
          <ErrorBox error={list.error} />
          {list.loading && !list.data ? <Loading /> : null}
          {list.data && list.data.length === 0 ? <Empty>{t('webhooks.none')}</Empty> : null}
          <ul className="subscriptions" data-testid="subscriptions">
            {(list.data ?? []).map((s) => (
              <li key={s.id}>
                <strong>{s.url}</strong>{' '}
                <span className={s.enabled ? 'tag' : 'tag warn'}>
                  {s.enabled ? t('webhooks.enabled') : t('webhooks.disabled')}
                </span>
                <div className="muted">
                  {s.eventTypes.map((ty) => t(`webhooks.type.${ty}`)).join(', ')}
                  {s.disabledReason ? ` · ${s.disabledReason}` : ''}
                </div>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => setOpen(open === s.id ? undefined : s.id)}
                >
                  {open === s.id ? t('webhooks.hideLog') : t('webhooks.showLog')}
                </button>
              </li>
            ))}
          </ul>
        </Card>
      </div>
      {open ? <DeliveryLog id={open} locale={locale} zone={hubZone} /> : null}
    </div>
  );
}

function DeliveryLog({ id, locale, zone }: { id: string; locale: string; zone: string }) {
  const { t } = useTranslation();
  const { session } = useSignedIn();
  const log = useAsync(() => api.deliveries(session.key, id), [session.key, id]);
  const [error, setError] = useState<unknown>();
  const replay = async (messageId: string) => {
    setError(undefined);
    try {
      await api.replayDelivery(session.key, id, messageId);
      log.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Card title={t('webhooks.log')} wide id="delivery-log">
      <ErrorBox error={log.error ?? error} />
      {log.loading && !log.data ? <Loading /> : null}
      {log.data && log.data.length === 0 ? <Empty>{t('webhooks.noDeliveries')}</Empty> : null}
      {log.data && log.data.length > 0 ? (
        <TableScroll label={t('webhooks.log')}>
          <table data-testid="deliveries">
            <thead>
              <tr>
                <th scope="col">{t('webhooks.when')}</th>
                <th scope="col">{t('webhooks.event')}</th>
                <th scope="col">{t('webhooks.status')}</th>
                <th scope="col">{t('webhooks.attempts')}</th>
                <th scope="col">{t('webhooks.replay')}</th>
              </tr>
            </thead>
            <tbody>
              {log.data.map((d) => (
                <tr key={d.messageId}>
                  <td className="nowrap">{formatInstant(d.createdAt, zone, locale)}</td>
                  <td>
                    {d.code ? t(`eventCode.${d.code}`, { defaultValue: d.code }) : d.eventType}
                    <div className="muted">{d.parcelId}</div>
                  </td>
                  <td>
                    {t(`webhooks.delivery.${d.status}`)}
                    {d.lastStatus ? ` · HTTP ${d.lastStatus}` : ''}
                    {d.lastError ? <div className="muted">{d.lastError}</div> : null}
                  </td>
                  <td className="num">{d.attempts}</td>
                  <td>
                    <button type="button" className="link-button" onClick={() => void replay(d.messageId)}>
                      {t('webhooks.replay')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
    </Card>
  );
}
