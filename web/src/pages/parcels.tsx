import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api.ts';
import { Card, Empty, ErrorBox, Loading, PageTitle } from '../components/common.tsx';
import { countryName, formatDate, formatInstant, formatKg, formatMoney, formatWallTime } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { useSignedIn } from '../session.tsx';

const STATUSES = ['received', 'planned', 'loaded', 'departed', 'delivered', 'held', 'cancelled'] as const;
const LEVELS = ['economy', 'standard', 'express'] as const;
const PAGE_SIZE = 50;

/** Declared value of a parcel per currency, formatted: "$12.50 + €3.00". */
function declared(p: api.Parcel, locale: string): string {
  const sums = new Map<string, number>();
  for (const item of p.items)
    sums.set(item.currency, (sums.get(item.currency) ?? 0) + item.unitValueMinor * item.quantity);
  return [...sums].map(([c, v]) => formatMoney(v, c, locale)).join(' + ');
}

/** Parcels: filter by status, destination and level, page through, find one by id. */
export function ParcelsPage() {
  const { t } = useTranslation();
  const { session, locale, hubZone } = useSignedIn();
  const { search } = useLocation();
  const params = useMemo(() => new URLSearchParams(search), [search]);
  const filter = {
    status: params.get('status') ?? '',
    country: params.get('country') ?? '',
    serviceLevel: params.get('serviceLevel') ?? '',
    cursor: params.get('cursor') ?? '',
  };
  const [findId, setFindId] = useState('');
  const [countryText, setCountryText] = useState(filter.country);
  const isOperator = session.principal.role === 'operator';

  const page = useAsync(
    () =>
      api.parcels(session.key, {
        limit: PAGE_SIZE,
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.country ? { country: filter.country } : {}),
        ...(filter.serviceLevel ? { serviceLevel: filter.serviceLevel } : {}),
        ...(filter.cursor ? { cursor: filter.cursor } : {}),
      }),
    [session.key, filter.status, filter.country, filter.serviceLevel, filter.cursor],
  );

  const setFilter = (changes: Record<string, string>) => {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!('cursor' in changes)) next.delete('cursor');
    const q = next.toString();
    navigate(q ? `/parcels?${q}` : '/parcels');
  };

  const find = (e: FormEvent) => {
    e.preventDefault();
    if (findId.trim()) navigate(`/parcels/${encodeURIComponent(findId.trim())}`);
  };

  return (
    <div>
      <PageTitle title={t('parcels.title')} />
      <div className="toolbar">
        <form onSubmit={find} className="inline-form" aria-label={t('parcels.findLabel')}>
          <label htmlFor="find-id">{t('parcels.findById')}</label>
          <input id="find-id" value={findId} onChange={(e) => setFindId(e.target.value)} placeholder="p-…" />
          <button type="submit">{t('parcels.find')}</button>
        </form>
      </div>
      <form
        className="filters"
        aria-label={t('parcels.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          setFilter({ country: countryText.trim().toUpperCase() });
        }}
      >
        <label>
          <span>{t('parcels.status')}</span>
          <select value={filter.status} onChange={(e) => setFilter({ status: e.target.value })} name="status">
            <option value="">{t('common.all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('parcels.serviceLevel')}</span>
          <select
            value={filter.serviceLevel}
            onChange={(e) => setFilter({ serviceLevel: e.target.value })}
            name="serviceLevel"
          >
            <option value="">{t('common.all')}</option>
            {LEVELS.map((s) => (
              <option key={s} value={s}>
                {t(`level.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('parcels.country')}</span>
          <input
            name="country"
            value={countryText}
            onChange={(e) => setCountryText(e.target.value)}
            maxLength={2}
            size={4}
            pattern="[A-Za-z]{2}"
            placeholder="DE"
            title={t('parcels.countryHint')}
          />
        </label>
        <button type="submit">{t('parcels.apply')}</button>
        {filter.status || filter.country || filter.serviceLevel ? (
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setCountryText('');
              navigate('/parcels');
            }}
          >
            {t('parcels.clear')}
          </button>
        ) : null}
      </form>
      <ErrorBox error={page.error} />
      {page.loading && !page.data ? <Loading /> : null}
      {page.data ? (
        page.data.items.length === 0 ? (
          <Empty>{t('parcels.none')}</Empty>
        ) : (
          <div className="table-wrap" aria-busy={page.loading}>
            <table data-testid="parcels-table">
              <caption className="sr-only">{t('parcels.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('parcels.id')}</th>
                  <th scope="col">{t('parcels.order')}</th>
                  {isOperator ? <th scope="col">{t('parcels.seller')}</th> : null}
                  <th scope="col">{t('parcels.status')}</th>
                  <th scope="col">{t('parcels.destination')}</th>
                  <th scope="col">{t('parcels.serviceLevel')}</th>
                  <th scope="col" className="num">
                    {t('parcels.weight')}
                  </th>
                  <th scope="col" className="num">
                    {t('parcels.declared')}
                  </th>
                  <th scope="col">{t('parcels.readyAt')}</th>
                  <th scope="col">{t('parcels.promised')}</th>
                </tr>
              </thead>
              <tbody>
                {page.data.items.map((p) => (
                  <tr key={p.id} data-seller={p.sellerId}>
                    <td>
                      <Link to={`/parcels/${encodeURIComponent(p.id)}`}>{p.id}</Link>
                    </td>
                    <td>{p.externalOrderId}</td>
                    {isOperator ? <td>{p.sellerId}</td> : null}
                    <td>
                      <span className={`badge badge-${p.status}`}>{t(`status.${p.status}`)}</span>
                    </td>
                    <td>
                      {countryName(p.consignee.country, locale)} · {p.consignee.city}
                    </td>
                    <td>{t(`level.${p.serviceLevel}`)}</td>
                    <td className="num">{formatKg(p.grossWeightG, locale)}</td>
                    <td className="num">{declared(p, locale)}</td>
                    <td>{formatInstant(p.readyAt, hubZone, locale)}</td>
                    <td>{formatDate(p.promisedDeliveryDate, locale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : null}
      <div className="pager">
        {filter.cursor ? (
          <button type="button" onClick={() => window.history.back()}>
            {t('parcels.previous')}
          </button>
        ) : null}
        {page.data?.nextCursor ? (
          <button type="button" onClick={() => setFilter({ cursor: page.data?.nextCursor ?? '' })}>
            {t('parcels.next')}
          </button>
        ) : null}
      </div>
    </div>
  );
}

/** One parcel: what it holds, where it goes and what happened to it. */
export function ParcelPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const { session, features, network, locale, hubZone, currency } = useSignedIn();
  const parcel = useAsync(() => api.parcel(session.key, id), [session.key, id]);
  const events = useAsync(() => api.parcelEvents(session.key, id, features), [session.key, id, features]);
  const plan = useAsync(async () => {
    const latest = await api.latestPlan(session.key, features);
    return latest ? { plan: latest, ride: await api.parcelInPlan(session.key, latest.id, id) } : undefined;
  }, [session.key, features, id]);
  const p = parcel.data;
  const route = plan.data?.ride;
  const options = useAsync(async () => {
    if (!p || route || plan.loading) return undefined;
    const readyMs = Math.max(Date.parse(p.readyAt), Date.now());
    const readyAt = new Date(readyMs)
      .toISOString()
      .replace(/\.\d+Z$/, 'Z')
      .replace('Z', '+00:00');
    return api.quote(session.key, {
      readyAt,
      destination: { country: p.consignee.country, postcode: p.consignee.postcode },
      currency,
      promisedDeliveryDate: p.promisedDeliveryDate,
      shipment: {
        kind: 'parcel',
        grossWeightG: p.grossWeightG,
        dimensions: p.dimensions,
        dangerousGoods: [...p.dangerousGoods],
      },
    });
  }, [p, route, plan.loading, currency, session.key]);
  const nodeName = (nodeId: string) => {
    const n = network.nodes.find((x) => x.id === nodeId);
    return n ? (locale.startsWith('zh') && n.nameZh ? n.nameZh : (n.name.split(' (')[0] ?? n.name)) : nodeId;
  };
  const zoneOf = (nodeId: string) => network.nodes.find((x) => x.id === nodeId)?.zone;

  if (parcel.loading) return <Loading />;
  if (parcel.error || !p)
    return (
      <div>
        <PageTitle title={t('parcel.title', { id })} />
        <ErrorBox error={parcel.error} />
        <Link to="/parcels">{t('parcel.back')}</Link>
      </div>
    );

  const derivedEvents = [
    { at: p.createdAt, what: t('parcel.eventRegistered'), where: nodeName(network.hub) },
    { at: p.readyAt, what: t('parcel.eventReady'), where: nodeName(network.hub) },
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  return (
    <div>
      <PageTitle title={t('parcel.title', { id: p.id })}>
        <Link to="/parcels">{t('parcel.back')}</Link>
      </PageTitle>
      <div className="grid">
        <Card title={t('parcel.summary')}>
          <dl className="facts">
            <dt>{t('parcels.status')}</dt>
            <dd>
              <span className={`badge badge-${p.status}`}>{t(`status.${p.status}`)}</span>
            </dd>
            <dt>{t('parcels.order')}</dt>
            <dd>{p.externalOrderId}</dd>
            <dt>{t('parcels.seller')}</dt>
            <dd>{p.sellerId}</dd>
            <dt>{t('parcels.destination')}</dt>
            <dd>
              {p.consignee.name}, {p.consignee.city} {p.consignee.postcode},{' '}
              {countryName(p.consignee.country, locale)}
            </dd>
            <dt>{t('parcels.serviceLevel')}</dt>
            <dd>
              {t(`level.${p.serviceLevel}`)} · {p.incoterm}
            </dd>
            <dt>{t('parcels.weight')}</dt>
            <dd>
              {formatKg(p.grossWeightG, locale)} · {p.dimensions.lengthMm}×{p.dimensions.widthMm}×
              {p.dimensions.heightMm} mm
            </dd>
            <dt>{t('parcel.dangerousGoods')}</dt>
            <dd>{p.dangerousGoods.length > 0 ? p.dangerousGoods.join(', ') : t('common.none')}</dd>
            <dt>{t('parcels.readyAt')}</dt>
            <dd>{formatInstant(p.readyAt, hubZone, locale)}</dd>
            <dt>{t('parcels.promised')}</dt>
            <dd>{formatDate(p.promisedDeliveryDate, locale)}</dd>
          </dl>
        </Card>
        <Card title={t('parcel.items')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('parcel.description')}</th>
                <th scope="col">{t('parcel.hsCode')}</th>
                <th scope="col" className="num">
                  {t('parcel.quantity')}
                </th>
                <th scope="col" className="num">
                  {t('parcel.unitValue')}
                </th>
                <th scope="col">{t('parcel.origin')}</th>
              </tr>
            </thead>
            <tbody>
              {p.items.map((item, i) => (
                <tr key={i}>
                  <td>{item.description}</td>
                  <td>
                    <code>{item.hsCode}</code>
                  </td>
                  <td className="num">{item.quantity}</td>
                  <td className="num">{formatMoney(item.unitValueMinor, item.currency, locale)}</td>
                  <td>{countryName(item.originCountry, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <Card title={t('parcel.route')} wide>
          {plan.loading ? <Loading /> : null}
          {route ? (
            <>
              <ol className="timeline" data-testid="parcel-route">
                {route.departureIds.map((d, i) => {
                  const [serviceId = d, local = ''] = d.split('@');
                  const service = network.services.find((x) => x.id === serviceId);
                  const from = service?.legs[0]?.from;
                  return (
                    <li key={d}>
                      <strong>
                        {service
                          ? locale.startsWith('zh') && service.nameZh
                            ? service.nameZh
                            : service.name
                          : serviceId}
                      </strong>
                      {service ? ` · ${t(`mode.${service.mode}`)}` : ''}
                      <div className="muted">
                        {t('parcel.leaves', {
                          at: formatWallTime(local, locale),
                          place: from ? nodeName(from) : '',
                        })}
                        {route.containerIds[i]
                          ? ` · ${t('parcel.container', { id: route.containerIds[i] })}`
                          : ''}
                      </div>
                    </li>
                  );
                })}
              </ol>
              <p>
                {t('parcel.plannedDelivery', {
                  gateway: nodeName(route.gateway),
                  date: formatDate(route.deliveryDate, locale),
                })}
                {route.lateDays > 0 ? (
                  <span className="warn"> {t('parcel.lateDays', { count: route.lateDays })}</span>
                ) : null}
              </p>
            </>
          ) : (
            <>
              <p>{features.plans ? t('parcel.notInPlan') : t('parcel.noPlans')}</p>
              <ErrorBox error={options.error} />
              {options.data?.ok === false ? <p>{options.data.message}</p> : null}
              {options.data?.ok ? (
                <table>
                  <caption>{t('parcel.optionsNow')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('quote.option')}</th>
                      <th scope="col">{t('quote.route')}</th>
                      <th scope="col">{t('quote.delivery')}</th>
                      <th scope="col" className="num">
                        {t('quote.cost')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {options.data.options.map((o) => (
                      <tr key={o.id}>
                        <td>{o.labels.map((l) => t(`quote.label.${l}`)).join(', ') || '—'}</td>
                        <td>
                          {o.legs
                            .filter((l) => l.kind === 'ride')
                            .map((l) => `${nodeName(l.from)} → ${nodeName(l.to)}`)
                            .join(' · ')}
                        </td>
                        <td>{formatDate(o.deliveryDate, locale)}</td>
                        <td className="num">{formatMoney(o.cost.totalMinor, o.cost.currency, locale)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : null}
            </>
          )}
        </Card>
        <Card title={t('parcel.events')} wide>
          {events.data ? (
            events.data.length === 0 ? (
              <Empty>{t('parcel.noEvents')}</Empty>
            ) : (
              <ol className="timeline">
                {events.data.map((e, i) => (
                  <li key={i}>
                    <time dateTime={e.at}>
                      {formatInstant(e.at, zoneOf(e.where ?? '') ?? hubZone, locale)}
                    </time>{' '}
                    <strong>{e.what}</strong> {e.where ? `· ${nodeName(e.where)}` : ''}{' '}
                    {e.why ? `· ${e.why}` : ''}
                  </li>
                ))}
              </ol>
            )
          ) : (
            <>
              <ol className="timeline">
                {derivedEvents.map((e) => (
                  <li key={e.what}>
                    <time dateTime={e.at}>{formatInstant(e.at, hubZone, locale)}</time>{' '}
                    <strong>{e.what}</strong> · {e.where}
                  </li>
                ))}
              </ol>
              <p className="hint">{t('parcel.eventsFromRecord')}</p>
            </>
          )}
        </Card>
      </div>
    </div>
  );
}
