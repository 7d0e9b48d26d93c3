import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api/index.ts';
import { Card, ErrorBox, Loading, PageTitle, Stat } from '../components/common.tsx';
import { Container3d } from '../components/container-3d.tsx';
import { formatKg, formatNumber, formatPercent } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { equipmentName } from '../names.ts';
import { useLocation } from '../router.tsx';
import { useSignedIn } from '../session.tsx';

const WAITING_PARCELS = 300;

interface Box {
  readonly id: string;
  readonly label: string;
  readonly lengthMm: number;
  readonly widthMm: number;
  readonly heightMm: number;
  readonly weightG: number;
}

/** Container view: a load plan in 3D, box by box, with its utilisation; a planned container in one request. */
export function ContainerPage() {
  const { t } = useTranslation();
  const { session, network, locale } = useSignedIn();
  const { search } = useLocation();
  const params = useMemo(() => new URLSearchParams(search), [search]);
  const planId = params.get('plan');
  const containerId = params.get('container');
  const [type, setType] = useState(
    network.equipment.find((e) => e.type === '22G1')?.type ?? network.equipment[0]?.type ?? '',
  );
  const [shown, setShown] = useState<number>();

  const load = useAsync(async () => {
    let boxes: Box[];
    let equipmentType = type;
    if (planId && containerId) {
      const contents = await api.containerContents(session.key, planId, containerId);
      if (contents.parcels.length === 0) throw new Error(t('container.noContents'));
      boxes = contents.parcels.map((p) => ({
        id: p.id,
        label: p.externalOrderId,
        lengthMm: p.lengthMm,
        widthMm: p.widthMm,
        heightMm: p.heightMm,
        weightG: p.grossWeightG,
      }));
      equipmentType = contents.container.type;
    } else {
      const page = await api.parcels(session.key, { status: 'received', limit: WAITING_PARCELS });
      boxes = page.items.map((p) => ({
        id: p.id,
        label: p.externalOrderId,
        lengthMm: p.dimensions.lengthMm,
        widthMm: p.dimensions.widthMm,
        heightMm: p.dimensions.heightMm,
        weightG: p.grossWeightG,
      }));
      // nothing waiting at the hub: say so, and ask the loader nothing (it refuses an empty load)
      if (boxes.length === 0) return undefined;
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
      boxes: boxes.map(({ label: _, ...b }) => b),
      options: { support: 'full', timeLimitMs: 2000, multi: false },
    });
    setShown(plan.placements.length);
    const labels = new Map(boxes.map((b) => [b.id, b.label]));
    return { plan, equipment: e, parcels: boxes.length, labels };
  }, [session.key, planId, containerId, type]);

  const fromPlan = Boolean(planId && containerId);
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
      {
        <>
          <div className="toolbar">
            <p className="muted">
              {fromPlan
                ? t('container.fromPlan', { container: containerId, departure: containerId?.split('#')[0] })
                : t('container.fromWaiting', { count: WAITING_PARCELS })}
            </p>
            {!fromPlan ? (
              <label className="inline-label">
                <span>{t('container.type')}</span>
                <select value={type} onChange={(e) => setType(e.target.value)}>
                  {network.equipment.map((e) => (
                    <option key={e.type} value={e.type}>
                      {e.type} · {equipmentName(e, locale)}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
          </div>
          <ErrorBox error={load.error} />
          {load.loading ? <Loading label={t('container.loading')} /> : null}
          {!load.loading && !load.error && !data ? (
            <p className="muted" data-testid="no-waiting">
              {t('container.noWaiting')}
            </p>
          ) : null}
          {data ? (
            <div className="container-layout">
              <Card title={t('container.view')} wide>
                <Container3d plan={data.plan} shown={count} labels={data.labels} />
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
                    hint={equipmentName(data.equipment, locale)}
                  />
                </div>
              </Card>
            </div>
          ) : null}
        </>
      }
    </div>
  );
}
