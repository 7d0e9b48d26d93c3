import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api/index.ts';
import { Card, Empty, ErrorBox, Loading, PageTitle, TableScroll } from '../components/common.tsx';
import {
  countryName,
  formatDate,
  formatInstant,
  formatKg,
  formatMoney,
  formatNumber,
  formatWallTime,
} from '../format.ts';
import { useAsync } from '../hooks.ts';
import { serviceName, shortNodeName } from '../names.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { useSignedIn } from '../session.tsx';
import { JourneyCard } from './journey.tsx';

type Status = NonNullable<api.ParcelQuery['status']>;
type Level = NonNullable<api.ParcelQuery['serviceLevel']>;
const STATUSES = [
  'announced',
  'received',
  'held',
  'loaded',
  'departed',
  'arrived',
  'import_held',
  'handed_over',
  'out_for_delivery',
  'delivery_failed',
  'delivered',
  'returned',
  'cancelled',
] as const satisfies readonly Status[];
// Every status the API knows is listed (a status added to the API fails the type check here).
const EVERY_STATUS: Exclude<Status, (typeof STATUSES)[number]> extends never ? true : never = true;
void EVERY_STATUS;
const LEVELS: readonly Level[] = ['economy', 'standard', 'express'];
const PAGE_SIZE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Declared value of a parcel per currency, formatted: "$12.50 + €3.00". */
function declared(p: api.Parcel, locale: string): string {
  const sums = new Map<string, number>();
  for (const item of p.items)
    sums.set(item.currency, (sums.get(item.currency) ?? 0) + item.unitValueMinor * item.quantity);
  return [...sums].map(([c, v]) => formatMoney(v, c, locale)).join(' + ');
}

/** Parcels: filter by status, destination and level, sort, page through, find one by id or order number. */
export function ParcelsPage() {
  const { t } = useTranslation();
  const { session, locale, hubZone } = useSignedIn();
  const { search } = useLocation();
  const params = useMemo(() => new URLSearchParams(search), [search]);
  const filter = {
    status: params.get('status') ?? '',
    country: params.get('country') ?? '',
    serviceLevel: params.get('serviceLevel') ?? '',
    orderNo: params.get('orderNo') ?? '',
    sort: params.get('sort') === 'oldest' ? ('oldest' as const) : ('newest' as const),
    cursor: params.get('cursor') ?? '',
  };
  const [findId, setFindId] = useState('');
  const [countryText, setCountryText] = useState(filter.country);
  const isOperator = session.principal.role === 'operator';

  const page = useAsync(
    () =>
      api.parcels(session.key, {
        limit: PAGE_SIZE,
        order: filter.sort,
        total: 'true',
        ...(filter.status ? { status: filter.status as Status } : {}),
        ...(filter.country ? { country: filter.country } : {}),
        ...(filter.serviceLevel ? { serviceLevel: filter.serviceLevel as Level } : {}),
        ...(filter.orderNo ? { externalOrderId: filter.orderNo } : {}),
        ...(filter.cursor ? { cursor: filter.cursor } : {}),
      }),
    [
      session.key,
      filter.status,
      filter.country,
      filter.serviceLevel,
      filter.orderNo,
      filter.sort,
      filter.cursor,
    ],
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

  // A parcel id (a UUID) opens the parcel; anything else is the seller's order number.
  const find = (e: FormEvent) => {
    e.preventDefault();
    const text = findId.trim();
    if (!text) return;
    if (UUID.test(text)) navigate(`/parcels/${encodeURIComponent(text)}`);
    else setFilter({ orderNo: text });
  };

  return (
    <div>
      <PageTitle title={t('parcels.title')} />
      <div className="toolbar">
        <form onSubmit={find} className="inline-form" aria-label={t('parcels.findLabel')}>
          <label htmlFor="find-id">{t('parcels.findById')}</label>
          <input
            id="find-id"
            value={findId}
            onChange={(e) => setFindId(e.target.value)}
            placeholder="0f8c3a52-6b1e-4c2d-9a7f-3e5b1d2c4a60"
            maxLength={64}
          />
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
        <label>
          <span>{t('parcels.sort')}</span>
          <select value={filter.sort} onChange={(e) => setFilter({ sort: e.target.value })} name="sort">
            <option value="newest">{t('parcels.newest')}</option>
            <option value="oldest">{t('parcels.oldest')}</option>
          </select>
        </label>
        <button type="submit">{t('parcels.apply')}</button>
        {filter.status || filter.country || filter.serviceLevel || filter.orderNo ? (
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setCountryText('');
              setFindId('');
              navigate('/parcels');
            }}
          >
            {t('parcels.clear')}
          </button>
        ) : null}
      </form>
      <ErrorBox error={page.error} />
      <p className="muted count-line" data-testid="parcels-total" aria-live="polite">
        {page.data?.total !== undefined
          ? t('parcels.total', { count: page.data.total, n: formatNumber(page.data.total, locale) })
          : '\u00a0'}
        {filter.orderNo ? ` · ${t('parcels.orderNo', { order: filter.orderNo })}` : ''}
      </p>
      {page.loading && !page.data ? <Loading /> : null}
      {page.data ? (
        page.data.items.length === 0 ? (
          <Empty>{t('parcels.none')}</Empty>
        ) : (
          <div className="table-wrap" aria-busy={page.loading}>
            <table data-testid="parcels-table">
              <caption className="sr-only">{t(`parcels.caption.${filter.sort}`)}</caption>
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
                  <tr key={p.id} data-seller={p.sellerId} data-created={p.createdAt}>
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
  const { session, network, locale, hubZone, currency } = useSignedIn();
  const parcel = useAsync(() => api.parcel(session.key, id), [session.key, id]);
  const plan = useAsync(async () => {
    const latest = await api.latestPlan(session.key, session.principal.role === 'operator');
    return latest ? { plan: latest, ride: await api.parcelInPlan(session.key, latest.id, id) } : undefined;
  }, [session.key, id]);
  const p = parcel.data;
  const placed = plan.data?.ride;
  const route = placed?.status === 'planned' ? placed : undefined;
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
      currency: currency as api.Currency,
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
    return n ? shortNodeName(n, locale) : nodeId;
  };

  if (parcel.loading) return <Loading />;
  if (parcel.error || !p)
    return (
      <div>
        <PageTitle title={t('parcel.title', { id })} />
        <ErrorBox error={parcel.error} />
        <Link to="/parcels">{t('parcel.back')}</Link>
      </div>
    );

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
          <TableScroll label={t('parcel.items')}>
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
          </TableScroll>
        </Card>
        <Card title={t('parcel.route')} wide>
          {plan.loading ? <Loading /> : null}
          {route ? (
            <>
              <ol className="timeline" data-testid="parcel-route">
                {route.rides.map((ride) => {
                  const d = ride.departureId;
                  const [serviceId = d, local = ''] = d.split('@');
                  const service = network.services.find((x) => x.id === serviceId);
                  const from = service?.legs[0]?.from;
                  return (
                    <li key={d}>
                      <strong>{service ? serviceName(service, locale) : serviceId}</strong>
                      {service ? ` · ${t(`mode.${service.mode}`)}` : ''}
                      <div className="muted">
                        {t('parcel.leaves', {
                          at: formatWallTime(local, locale),
                          place: from ? nodeName(from) : '',
                        })}
                        {ride.containerId ? ` · ${t('parcel.container', { id: ride.containerId })}` : ''}
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
              <p>
                {placed?.status === 'held'
                  ? t('parcel.heldInPlan', {
                      reason: t(`holdReason.${placed.reason}`, { defaultValue: placed.reason }),
                    })
                  : t('parcel.notInPlan')}
              </p>
              <ErrorBox error={options.error} />
              {options.data?.ok === false ? <p>{options.data.message}</p> : null}
              {options.data?.ok ? (
                <TableScroll label={t('parcel.optionsNow')}>
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
                </TableScroll>
              ) : null}
            </>
          )}
        </Card>
        <JourneyCard id={p.id} />
      </div>
    </div>
  );
}
