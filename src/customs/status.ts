import type { ReceiptEntry, ReceiptOutcome } from './receipts.ts';

/**
 * Where a parcel's export declaration stands. `held`: matching failed, nothing was sent; `sent`: its
 * messages are in the out folder; then customs' ladder for the list (accepted 120 → manual review 300 →
 * inspection 500 → concluded 399 → released 800 → cleared 899) [customs-china.md §5, §6], or
 * `rejected` (100, an error receipt, or any of its documents refused), or `cancelled` (CEB606 accepted).
 */
export const DECLARATION_STATUSES = [
  'held',
  'sent',
  'accepted',
  'manual-review',
  'inspection',
  'concluded',
  'released',
  'cleared',
  'rejected',
  'cancelled',
] as const;
export type DeclarationStatus = (typeof DECLARATION_STATUSES)[number];

/** Progress along customs' ladder; a receipt never moves a declaration back down it. */
const RANK: Partial<Record<DeclarationStatus, number>> = {
  sent: 0,
  accepted: 1,
  'manual-review': 2,
  inspection: 3,
  concluded: 4,
  released: 5,
  cleared: 6,
};

const LIST_STATUS: Partial<Record<ReceiptOutcome, DeclarationStatus>> = {
  accepted: 'accepted',
  'manual-review': 'manual-review',
  inspection: 'inspection',
  concluded: 'concluded',
  released: 'released',
  cleared: 'cleared',
  rejected: 'rejected',
  error: 'rejected',
  'send-failed': 'rejected',
};

/** The event codes customs outcomes produce (tracking.md §9). */
export type CustomsEventCode = 'EXPORT_CUSTOMS_HOLD' | 'EXPORT_CUSTOMS_RELEASED';

/** Why, as a reason code of tracking (its hold reasons, and `released`). */
export type CustomsEventKind = 'rejected' | 'inspection' | 'manual-review' | 'other' | 'released';

/** What one receipt entry does to a declaration. */
export interface DeclarationTransition {
  readonly status: DeclarationStatus;
  /** Why, for rejections and holds: the receipt's returnInfo with its code. */
  readonly reason?: string;
  /** The event to record, when the parcel is held or released by this receipt. */
  readonly event?: {
    readonly code: CustomsEventCode;
    readonly kind: CustomsEventKind;
    readonly reason: string;
  };
  /** Whether the parcel is taken out of its container (held at the hub). */
  readonly holdParcel: boolean;
}

/**
 * The transition a receipt entry about one of a parcel's documents (order, payment, waybill or list)
 * causes, from the declaration's current status; undefined when it changes nothing (a receipt that
 * arrives after a later one, an intermediate E-port status).
 */
export function transitionOf(
  current: DeclarationStatus,
  entry: ReceiptEntry,
): DeclarationTransition | undefined {
  if (current === 'cancelled' || current === 'held') return undefined;
  const label = `${entry.kind} ${entry.returnStatus}${entry.info ? `: ${entry.info}` : ''}`;
  const refused =
    entry.outcome === 'rejected' || entry.outcome === 'error' || entry.outcome === 'send-failed';
  if (entry.kind === 'cancel') {
    return entry.outcome === 'concluded' || entry.outcome === 'accepted' || entry.outcome === 'released'
      ? {
          status: 'cancelled',
          reason: label,
          holdParcel: true,
          event: { code: 'EXPORT_CUSTOMS_HOLD', kind: 'other', reason: `list cancelled (${label})` },
        }
      : undefined;
  }
  if (refused) {
    if (current === 'rejected') return undefined;
    return {
      status: 'rejected',
      reason: label,
      holdParcel: true,
      event: { code: 'EXPORT_CUSTOMS_HOLD', kind: 'rejected', reason: `customs rejected the ${label}` },
    };
  }
  if (entry.kind !== 'list') return undefined;
  const next = LIST_STATUS[entry.outcome];
  if (!next || current === 'rejected') return undefined;
  if ((RANK[next] ?? 0) <= (RANK[current] ?? 0)) return undefined;
  if (next === 'inspection' || next === 'manual-review')
    return {
      status: next,
      reason: label,
      holdParcel: false,
      event: {
        code: 'EXPORT_CUSTOMS_HOLD',
        kind: next,
        reason: `${next === 'inspection' ? 'customs inspection' : 'manual review'} (${label})`,
      },
    };
  if (next === 'released' || (next === 'cleared' && (RANK[current] ?? 0) < (RANK.released ?? 0)))
    return {
      status: next,
      holdParcel: false,
      event: { code: 'EXPORT_CUSTOMS_RELEASED', kind: 'released', reason: `list released (${label})` },
    };
  return { status: next, holdParcel: false };
}
