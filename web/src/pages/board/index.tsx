import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../../api/index.ts';
import { Card, Empty, ErrorBox, Loading, PageTitle } from '../../components/common.tsx';
import { formatPercent, shortPlanId, todayIn } from '../../format.ts';
import { useAsync } from '../../hooks.ts';
import { useSignedIn } from '../../session.tsx';
import { DeparturesTable, useDepartures } from './departures.tsx';
import { DisruptionForm } from './disruption.tsx';
import { PlanResult, WhatMoved } from './plan-cards.tsx';

/** Horizon of a new plan when no plan is shown yet: the sample hub plans two weeks. */
const DEFAULT_DAYS = 14;
const HORIZONS = [1, 3, 7, 14] as const;
const POLL_MS = 1000;

/** Follows a plan job until it is done or failed. */
function usePlanJob(key: string, id: string | undefined) {
  const [plan, setPlan] = useState<api.Plan>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (!id) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const p = await api.getPlan(key, id);
        if (stopped) return;
        setPlan(p);
        if (p.status === 'queued' || p.status === 'running') timer = setTimeout(poll, POLL_MS);
      } catch (err) {
        if (!stopped) setError(err);
      }
    };
    setError(undefined);
    void poll();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [key, id]);
  return { plan, error };
}

/**
 * Plan board: the plan shown (its horizon, planned / held / containers, cost against bound and
 * baseline), departures still to leave with their containers; the operator starts plans and re-plans
 * around a disruption. A seller sees its own plans' figures and the departures, not the controls.
 */
export function BoardPage() {
  const { t } = useTranslation();
  const { session, network, locale, hubZone, currency } = useSignedIn();
  const operator = session.principal.role === 'operator';
  const [jobId, setJobId] = useState<string>();
  const [startError, setStartError] = useState<unknown>();
  const [starting, setStarting] = useState(false);
  const [chosenDays, setChosenDays] = useState<number>();
  const status = useRef<HTMLParagraphElement>(null);

  const plans = useAsync(() => api.listPlans(session.key), [session.key]);
  const latestDoneId = plans.data?.find((p) => p.status === 'done')?.id;
  const shownId = jobId ?? latestDoneId;
  // The hub's plan itself is the operator's; a seller's board shows the departures.
  const job = usePlanJob(session.key, operator ? shownId : undefined);
  const plan = job.plan?.id === shownId ? job.plan : undefined;
  // The horizon defaults to the plan shown; a choice of the user wins.
  const days = chosenDays ?? plan?.result?.horizon.days ?? plan?.params.days ?? DEFAULT_DAYS;
  const departures = useDepartures(session.key, hubZone, days);
  const running = plan && (plan.status === 'queued' || plan.status === 'running');

  useEffect(() => {
    if (plan?.status === 'done' || plan?.status === 'failed') plans.reload();
  }, [plan?.status]);

  const start = async (disruption?: api.Disruption) => {
    setStarting(true);
    setStartError(undefined);
    try {
      const started = await api.startPlan(session.key, {
        from: todayIn(hubZone),
        days,
        currency: currency as api.Currency,
        ...(disruption ? { disruption, ...(plan ? { basePlanId: plan.id } : {}) } : {}),
      });
      setJobId(started.id);
    } catch (err) {
      setStartError(err);
    } finally {
      setStarting(false);
    }
  };

  // The page appears whole, once its plan and departures are in: nothing shifts under the reader.
  const [shown, setShown] = useState(false);
  const ready =
    shown ||
    ((plans.data !== undefined || plans.error !== undefined) &&
      (!shownId || !operator || plan !== undefined || job.error !== undefined) &&
      (departures.data !== undefined || departures.error !== undefined));
  useEffect(() => {
    if (ready) setShown(true);
  }, [ready]);
  if (!ready)
    return (
      <div>
        <PageTitle title={t('board.title')} />
        <Loading />
      </div>
    );

  const horizons = [...new Set([...HORIZONS, days])].sort((a, b) => a - b);
  return (
    <div>
      <PageTitle title={t('board.title')}>
        <label className="inline-label">
          <span>{t('board.horizon')}</span>
          <select value={days} onChange={(e) => setChosenDays(Number(e.target.value))} data-testid="horizon">
            {horizons.map((d) => (
              <option key={d} value={d}>
                {t('board.days', { count: d })}
              </option>
            ))}
          </select>
        </label>
      </PageTitle>

      <div className="grid">
        <Card title={t('board.planning')} id="planning">
          {operator ? (
            <div className="actions">
              <button
                type="button"
                onClick={() => void start()}
                disabled={starting || Boolean(running)}
                data-testid="start-plan"
              >
                {t('board.start', { count: days })}
              </button>
            </div>
          ) : (
            <p className="muted" data-testid="operator-only">
              {t('board.operatorOnly')}
            </p>
          )}
          <ErrorBox error={startError ?? job.error ?? plans.error} />
          {plan ? (
            <div className="plan-status" data-testid="plan-status" data-status={plan.status}>
              <p ref={status} role="status">
                {t('board.planId', { id: shortPlanId(plan.id) })} ·{' '}
                <strong>{t(`planStatus.${plan.status}`)}</strong>
              </p>
              {running ? (
                <progress max={1} value={plan.progress} aria-label={t('board.progress')}>
                  {formatPercent(plan.progress, locale, 0)}
                </progress>
              ) : null}
              {plan.error ? <p className="warn">{plan.error}</p> : null}
            </div>
          ) : plans.loading || (shownId && !job.error) ? (
            <Loading />
          ) : (
            <Empty>{operator ? t('board.noPlan') : t('board.noPlanSeller')}</Empty>
          )}
        </Card>
        {plan?.result ? <PlanResult plan={plan} locale={locale} /> : null}
        {operator && plan?.status === 'done' ? (
          <DisruptionForm
            network={network}
            onApply={(d) => void start(d)}
            busy={starting || Boolean(running)}
          />
        ) : null}
        {plan?.result?.replan ? <WhatMoved plan={plan} /> : null}
      </div>

      <DeparturesTable departures={departures} plan={plan} days={days} />
    </div>
  );
}
