import type { PlanDocument } from './document.ts';
import { parcelsDigest } from './prove.ts';
import type { PlanViolation } from './verify.ts';
import type { RecomputedParcel } from './verify-route.ts';

/**
 * The 3D proof against the plan: each container it calls proven carries exactly the parcels the proof
 * loaded (count and digest of their ids); with per-container entries, every listed container has one;
 * the counts of proven containers agree; `container-load` holds come with a proof.
 */
export function checkContainerProof(
  doc: PlanDocument,
  walked: readonly { readonly id: string; readonly r: RecomputedParcel }[],
  listed: ReadonlySet<string>,
  v: PlanViolation[],
): void {
  const proof = doc.containerProof;
  if (!proof) {
    if (doc.held.some((h) => h.reason === 'container-load'))
      v.push({
        rule: 'container-proof',
        why: 'parcels are held for a container’s load, but the plan has no 3D proof',
      });
    if (doc.summary.containersProven !== undefined)
      v.push({
        rule: 'container-proof',
        why: 'the summary counts proven containers, but the plan has no 3D proof',
      });
    return;
  }
  const proven = proof.byContainer?.filter((e) => e.proven).length ?? proof.proven;
  if (proof.proven !== proven || (doc.summary.containersProven ?? proven) !== proven)
    v.push({
      rule: 'container-proof',
      why: `the proof says ${proof.proven} containers proven, the summary ${doc.summary.containersProven}; its entries prove ${proven}`,
    });
  if (!proof.byContainer) return;
  const riding = new Map<string, string[]>();
  for (const w of walked)
    for (const c of w.r.containers) {
      const list = riding.get(c.id) ?? [];
      list.push(w.id);
      riding.set(c.id, list);
    }
  const entries = new Set<string>();
  for (const e of proof.byContainer) {
    entries.add(e.id);
    if (!listed.has(e.id)) {
      v.push({
        rule: 'container-proof',
        containerId: e.id,
        why: 'the proof names a container the plan does not list',
      });
      continue;
    }
    if (!e.proven) continue;
    const ids = riding.get(e.id) ?? [];
    if (ids.length !== e.parcels || parcelsDigest(ids) !== e.parcelsDigest)
      v.push({
        rule: 'container-proof',
        containerId: e.id,
        why: `proven with ${e.parcels} parcels (digest ${e.parcelsDigest}), but ${ids.length} ride it (digest ${parcelsDigest(ids)})`,
      });
  }
  for (const id of listed)
    if (!entries.has(id))
      v.push({ rule: 'container-proof', containerId: id, why: 'the 3D proof has no entry for it' });
}
