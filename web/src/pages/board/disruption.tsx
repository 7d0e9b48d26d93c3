import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type * as api from '../../api/index.ts';
import { Card } from '../../components/common.tsx';
import { zoneName, zoneOffset } from '../../format.ts';
import { nodeName, serviceName } from '../../names.ts';
import { useSignedIn } from '../../session.tsx';

/** "2026-12-07T09:30" (wall time in `zone`) for an instant. */
function wallTime(ms: number, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(ms);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

/** A wall time typed in the hub's zone as an ISO instant with the zone's offset. */
function instantOf(wall: string, zone: string): string {
  return `${wall}:00${zoneOffset(zone, wall.slice(0, 10))}`;
}

/** Close a node or a service from a start to an end (hub time), then re-plan from the plan shown. */
export function DisruptionForm({
  network,
  onApply,
  busy,
}: {
  network: api.Network;
  onApply: (d: api.Disruption) => void;
  busy: boolean;
}) {
  const { t } = useTranslation();
  const { hubZone, locale } = useSignedIn();
  const crossings = network.nodes.filter((n) => n.kind === 'border-crossing');
  const [target, setTarget] = useState(
    crossings[0] ? `node:${crossings[0].id}` : `service:${network.services[0]?.id ?? ''}`,
  );
  const now = Date.now();
  const [from, setFrom] = useState(() => wallTime(now, hubZone));
  const [to, setTo] = useState(() => wallTime(now + 72 * 3_600_000, hubZone));
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string>();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const [kind, id] = target.split(':') as [string, string];
    const start = instantOf(from, hubZone);
    const end = instantOf(to, hubZone);
    if (!(Date.parse(end) > Date.parse(start))) {
      setProblem(t('board.endAfterStart'));
      return;
    }
    setProblem(undefined);
    onApply({
      ...(kind === 'node' ? { nodeId: id } : { serviceId: id }),
      from: start,
      to: end,
      effect: 'closed',
      reason: reason.trim() || t('board.defaultReason'),
    });
  };

  return (
    <Card title={t('board.disruption')} id="disruption">
      <form onSubmit={submit} className="form" data-testid="disruption-form">
        <label>
          <span>{t('board.closeWhat')}</span>
          <select value={target} onChange={(e) => setTarget(e.target.value)}>
            <optgroup label={t('nodeKind.border')}>
              {crossings.map((n) => (
                <option key={n.id} value={`node:${n.id}`}>
                  {nodeName(n, locale)}
                </option>
              ))}
            </optgroup>
            <optgroup label={t('board.services')}>
              {network.services.map((s) => (
                <option key={s.id} value={`service:${s.id}`}>
                  {serviceName(s, locale)}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
        <label>
          <span>{t('board.closedFrom', { zone: zoneName(hubZone, locale) })}</span>
          <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} required />
        </label>
        <label>
          <span>{t('board.closedTo', { zone: zoneName(hubZone, locale) })}</span>
          <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} required />
        </label>
        <label>
          <span>{t('board.reason')}</span>
          <input
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder={t('board.defaultReason')}
          />
        </label>
        {problem ? (
          <p className="warn" role="alert">
            {problem}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {t('board.applyDisruption')}
        </button>
      </form>
    </Card>
  );
}
