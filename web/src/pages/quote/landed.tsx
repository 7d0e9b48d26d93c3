import { useTranslation } from 'react-i18next';
import type * as api from '../../api/index.ts';
import { Card, ErrorBox } from '../../components/common.tsx';
import { formatMoney } from '../../format.ts';

/** Landed cost of the goods: asked for any time, with the chosen option's freight once there is one. */
export function LandedCostCard({
  landed,
  error,
  busy,
  chosen,
  locale,
  onCompute,
}: {
  landed: api.LandedCost | undefined;
  error: unknown;
  busy: boolean;
  chosen: api.QuoteOption | undefined;
  locale: string;
  onCompute: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Card title={t('quote.landedCost')} id="landed">
      <p className="muted">
        {chosen
          ? t('quote.landedWithFreight', {
              freight: formatMoney(chosen.cost.totalMinor, chosen.cost.currency, locale),
            })
          : t('quote.landedNoFreight')}
      </p>
      <button type="button" onClick={onCompute} disabled={busy} data-testid="compute-landed">
        {t('quote.computeLanded')}
      </button>
      <ErrorBox error={error} />
      <div aria-live="polite">
        {landed ? (
          <table data-testid="landed-cost">
            <caption className="muted">
              {landed.ruleSet} · {landed.tier}
            </caption>
            <tbody>
              {landed.lines.map((l, i) => (
                <tr key={`${l.kind}-${i}`}>
                  <th scope="row">
                    {t(`landedKind.${l.kind}`)}
                    {l.kind === 'duty' || l.kind === 'fee' ? <div className="muted">{l.label}</div> : null}
                  </th>
                  <td className="muted">
                    {l.detail && l.kind !== 'duty' ? l.detail : ''}
                    {l.payer ? ` ${t(`landedPayer.${l.payer}`, { defaultValue: l.payer })}` : ''}
                  </td>
                  <td className="num">{formatMoney(l.amountMinor, landed.currency, locale)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('quote.importCharges')}</th>
                <td />
                <td className="num" data-testid="import-charges">
                  {formatMoney(landed.chargesMinor, landed.currency, locale)}
                </td>
              </tr>
              <tr>
                <th scope="row">{t('quote.landedTotal')}</th>
                <td />
                <td className="num">{formatMoney(landed.totalMinor, landed.currency, locale)}</td>
              </tr>
            </tfoot>
          </table>
        ) : null}
      </div>
    </Card>
  );
}
