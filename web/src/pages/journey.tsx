import { useTranslation } from 'react-i18next';
import * as api from '../api/index.ts';
import { Card, Empty, ErrorBox, Loading } from '../components/common.tsx';
import { formatInstant, formatKg, formatNumber } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { shortNodeName } from '../names.ts';
import { useSignedIn } from '../session.tsx';

/** A parcel's timeline: its events (what, when, where, why), the ETA window and the re-weigh audit. */
export function JourneyCard({ id }: { id: string }) {
  const { t } = useTranslation();
  const { session, network, locale, hubZone } = useSignedIn();
  const journey = useAsync(() => api.journey(session.key, id), [session.key, id]);
  const j = journey.data;
  const nodes = new Map(network.nodes.map((n) => [n.id, n]));
  const placeOf = (e: api.JourneyEvent) => {
    const n = e.place.node ? nodes.get(e.place.node) : undefined;
    if (n) return shortNodeName(n, locale);
    return [e.place.city, e.place.country].filter(Boolean).join(', ') || e.place.locode || '';
  };
  const zoneOf = (e: api.JourneyEvent) =>
    (e.place.node ? nodes.get(e.place.node)?.zone : undefined) ?? hubZone;

  return (
    <Card title={t('parcel.events')} wide id="journey">
      <ErrorBox error={journey.error} />
      {journey.loading && !j ? <Loading /> : null}
      {j ? (
        <>
          <dl className="facts" data-testid="journey-facts">
            <dt>{t('journey.tracking')}</dt>
            <dd>
              <a href={`/track/${encodeURIComponent(j.trackingNumber)}`}>{j.trackingNumber}</a>
            </dd>
            <dt>{t('journey.eta')}</dt>
            <dd data-testid="eta-window">
              {j.eta
                ? t('journey.etaWindow', {
                    p10: formatInstant(j.eta.p10, hubZone, locale),
                    p50: formatInstant(j.eta.p50, hubZone, locale),
                    p90: formatInstant(j.eta.p90, hubZone, locale),
                  })
                : t('journey.noEta')}
              {j.eta ? <div className="muted">{t(`journey.etaBasis.${j.eta.basis}`)}</div> : null}
            </dd>
            {j.reweigh ? (
              <>
                <dt>{t('journey.reweigh')}</dt>
                <dd data-testid="reweigh" className={j.reweigh.flagged ? 'warn' : undefined}>
                  {t('journey.reweighLine', {
                    declared: formatKg(j.reweigh.declaredWeightG, locale),
                    measured: formatKg(j.reweigh.measuredWeightG, locale),
                    delta: `${j.reweigh.deltaG > 0 ? '+' : ''}${formatNumber(j.reweigh.deltaG, locale)} g`,
                  })}
                  {j.reweigh.flagged ? ` · ${t('journey.reweighFlagged')}` : ''}
                </dd>
              </>
            ) : null}
            {j.hold ? (
              <>
                <dt>{t('journey.hold')}</dt>
                <dd className="warn">
                  {t(`journey.holdKind.${j.hold.kind}`)}
                  {j.hold.reason ? `: ${j.hold.reason}` : ''}
                </dd>
              </>
            ) : null}
          </dl>
          {j.events.length === 0 ? (
            <Empty>{t('parcel.noEvents')}</Empty>
          ) : (
            <ol className="timeline" data-testid="timeline">
              {j.events.map((e) => (
                <li key={`${e.eventId}-${e.recordedAt}`} className={e.retracted ? 'retracted' : undefined}>
                  <time dateTime={e.eventTime}>{formatInstant(e.eventTime, zoneOf(e), locale)}</time>{' '}
                  <strong>{t(`eventCode.${e.code}`, { defaultValue: e.code })}</strong>
                  {e.classifier !== 'ACT' ? (
                    <span className="tag"> {t(`journey.classifier.${e.classifier}`)}</span>
                  ) : null}
                  {placeOf(e) ? ` · ${placeOf(e)}` : ''}
                  {e.reason ? ` · ${e.reason.text ?? e.reason.code}` : ''}
                  {e.viaContainer ? (
                    <div className="muted">{t('journey.viaContainer', { id: e.viaContainer })}</div>
                  ) : null}
                  {e.retracted ? <div className="muted">{t('journey.retracted')}</div> : null}
                </li>
              ))}
            </ol>
          )}
        </>
      ) : null}
    </Card>
  );
}
