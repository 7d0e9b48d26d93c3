import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api.ts';
import { Card, ErrorBox, Loading, NotAvailable, PageTitle, Stat } from '../components/common.tsx';
import { Container3d } from '../components/container-3d.tsx';
import { formatKg, formatNumber, formatPercent } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { useLocation } from '../router.tsx';
import { useSignedIn } from '../session.tsx';

const WAITING_PARCELS = 300;
/** Parcels fetched at once when reading a planned container's contents. */
const FETCH_CONCURRENCY = 8;

async function parcelsByIds(key: string, ids: readonly string[]): Promise<api.Parcel[]> {
  const out: api.Parcel[] = [];
  for (let i = 0; i < ids.length; i += FETCH_CONCURRENCY)
    out.push(...(await Promise.all(ids.slice(i, i + FETCH_CONCURRENCY).map((id) => api.parcel(key, id)))));
  return out;
}

function boxesOf(parcels: readonly api.Parcel[]): api.LoadBox[] {
  return parcels.map((p) => ({
    id: p.id,
    lengthMm: p.dimensions.lengthMm,
    widthMm: p.dimensions.widthMm,
    heightMm: p.dimensions.heightMm,
    weightG: p.grossWeightG,
  }));
}

/** Container view: a load plan in 3D, box by box, with its utilisation. */
export function ContainerPage() {
  const { t } = useTranslation();
  const { session, features, network, locale } = useSignedIn();
  const { search } = useLocation();
  const params = useMemo(() => new URLSearchParams(search), [search]);
  const planId = params.get('plan');
  const departureId = params.get('departure');
  const containerId = params.get('container');
  const [type, setType] = useState(
    network.equipment.find((e) => e.type === '22G1')?.type ?? network.equipment[0]?.type ?? '',
  );
  const [shown, setShown] = useState<number>();

  const load = useAsync(async () => {
    if (!features.loadPlans) return undefined;
    let parcels: api.Parcel[];
    let equipmentType = type;
    if (planId && departureId && containerId) {
      const plan = await api.getPlan(session.key, planId);
      const c = plan.departures
        .find((d) => d.id === departureId)
        ?.containers.find((x) => x.id === containerId);
      if (!c) throw new Error(t('container.noContents'));
      const ids = c.parcelIds ?? (await api.containerParcelIds(session.key, planId, containerId));
      if (ids.length === 0) throw new Error(t('container.noContents'));
      parcels = await parcelsByIds(session.key, ids);
      equipmentType = c.type || type;
    } else {
      parcels = (await api.parcels(session.key, { status: 'received', limit: WAITING_PARCELS })).items;
    }
    const e = network.equipment.find((x) => x.type === equipmentType) ?? network.equipment[0];
    if (!e) throw new Error(t('container.noEquipment'));
    const plan = await api.loadPlan(session.key, {
      container: {
        lengthMm: e.innerLengthMm,
        widthMm: e.innerWidthMm,
        heightMm: e.innerHeightMm,
        payloadG: e.payloadG,
      },
      boxes: boxesOf(parcels),
      options: { timeLimitMs: 2000 },
    });
    setShown(plan.placements.length);
    return { plan, equipment: e, parcels: parcels.length };
  }, [session.key, features, planId, departureId, containerId, type]);

  const fromPlan = Boolean(planId && departureId && containerId);
  const data = load.data;
  const count = shown ?? data?.plan.placements.length ?? 0;
  const loadedWeightG = useMemo(
    () =>
      data?.plan.weightUtilisation !== undefined && data
        ? data.plan.weightUtilisation * data.equipment.payloadG
        : 0,
    [data],
  );

  return (
    <div>
      <PageTitle title={t('container.title')} />
      {!features.loadPlans ? (
        <NotAvailable what={t('container.title')} endpoint="POST /v1/load-plans" />
      ) : (
        <>
          <div className="toolbar">
            <p className="muted">
              {fromPlan
                ? t('container.fromPlan', { container: containerId, departure: departureId })
                : t('container.fromWaiting', { count: WAITING_PARCELS })}
            </p>
            {!fromPlan ? (
              <label className="inline-label">
                <span>{t('container.type')}</span>
                <select value={type} onChange={(e) => setType(e.target.value)}>
                  {network.equipment.map((e) => (
                    <option key={e.type} value={e.type}>
                      {e.type} · {e.name}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
          </div>
          <ErrorBox error={load.error} />
          {load.loading ? <Loading label={t('container.loading')} /> : null}
          {data ? (
            <div className="container-layout">
              <Card title={t('container.view')} wide>
                <Container3d plan={data.plan} shown={count} />
                <label className="slider">
                  <span>{t('container.boxByBox', { shown: count, total: data.plan.placements.length })}</span>
                  <input
                    type="range"
                    min={0}
                    max={data.plan.placements.length}
                    value={count}
                    onChange={(e) => setShown(Number(e.target.value))}
                  />
                </label>
                <p className="hint">{t('container.keys')}</p>
              </Card>
              <Card title={t('container.utilisation')}>
                <div className="stats stats-column" data-testid="load-utilisation">
                  <Stat
                    label={t('container.volume')}
                    value={formatPercent(data.plan.volumeUtilisation, locale)}
                  />
                  <Stat
                    label={t('container.weight')}
                    value={formatPercent(data.plan.weightUtilisation, locale)}
                    hint={formatKg(loadedWeightG, locale)}
                  />
                  <Stat
                    label={t('container.placed')}
                    value={`${formatNumber(data.plan.placements.length, locale)} / ${formatNumber(data.parcels, locale)}`}
                  />
                  <Stat
                    label={t('container.inside')}
                    value={`${data.equipment.innerLengthMm} × ${data.equipment.innerWidthMm} × ${data.equipment.innerHeightMm} mm`}
                    hint={data.equipment.name}
                  />
                </div>
              </Card>
            </div>
          ) : null}
        </>
      )}
    </div>
  );
}
