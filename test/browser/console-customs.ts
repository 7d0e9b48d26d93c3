import type { Browser, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { ConsoleServer } from './console-server.ts';
import { checkPage, openPage, signIn } from './harness.ts';

interface DeclarationQueue {
  counts: Record<string, number>;
  items: { parcelId: string; orderNo: string; status: string; sellerId?: string }[];
}

const fmt = (n: number) => new Intl.NumberFormat('en-GB').format(n);

/** Waits until the queue's table shows rows of one status only (the filtered answer has arrived). */
const onlyRowsOf = (page: Page, status: string) =>
  page.waitForFunction((want) => {
    const rows = [...document.querySelectorAll('[data-testid=declarations-table] tbody tr')];
    return rows.length > 0 && rows.every((r) => r.getAttribute('data-status') === want);
  }, status);

/**
 * Issue 13's page: the customs queue as the API counts it (the sample plan's departures filed and
 * answered by the labelled test customs responder, as `serve --sample` does), a declaration's export
 * list as XML, the export statistics for the operator, and a seller's own declarations only.
 */
export function customsTasks(context: () => { server: ConsoleServer; browser: Browser }): void {
  const queue = async (key: string, query = '') => {
    const { server } = context();
    const res = await fetch(`${server.url}/v1/customs/declarations${query}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as DeclarationQueue;
  };

  // Two small departures of the sample plan filed through the API, one list rejected and one sent to
  // inspection by the test responder's rules, the rest released; once for both tasks.
  let filed: Promise<{ rejectedOrder: string }> | undefined;
  const fileTwoDepartures = () => {
    filed ??= (async () => {
      const { server } = context();
      const auth = { authorization: `Bearer ${server.operatorKey}`, 'content-type': 'application/json' };
      const plans = (await server.store.plans.list()).filter((p) => p.status === 'done');
      const plan = await server.store.plans.get(plans[0]!.id);
      const doc = plan!.result as { parcels: { id: string; rides: { departureId: string }[] }[] };
      const byDeparture = new Map<string, string[]>();
      for (const p of doc.parcels) {
        const d = p.rides[0]?.departureId;
        if (d) byDeparture.set(d, [...(byDeparture.get(d) ?? []), p.id]);
      }
      const chosen = [...byDeparture]
        .filter(([, ids]) => ids.length >= 3)
        .sort((a, b) => a[1].length - b[1].length)
        .slice(0, 2);
      expect(chosen.length).toBe(2);
      const [rejected, inspected] = await Promise.all(
        chosen[0]![1].slice(0, 2).map(async (id) => (await server.store.parcels.get(id))!.externalOrderId),
      );
      server.customsAnswers[rejected!] = { reject: 'goods description too vague (test rule)' };
      server.customsAnswers[inspected!] = 'inspection';
      for (const [departureId] of chosen) {
        const res = await fetch(
          `${server.url}/v1/customs/departures/${encodeURIComponent(departureId)}/filings`,
          {
            method: 'POST',
            headers: auth,
            body: JSON.stringify({ planId: plan!.id }),
          },
        );
        expect(res.status, await res.clone().text()).toBe(201);
      }
      for (let i = 0; i < 2; i++) {
        const run = await fetch(`${server.url}/v1/customs/exchange/run`, {
          method: 'POST',
          headers: auth,
          body: '{}',
        });
        expect(run.status).toBe(200);
      }
      return { rejectedOrder: rejected! };
    })();
    return filed;
  };

  it('shows the customs queue with the counts the API holds, a list as XML, and the statistics', async () => {
    const { server, browser } = context();
    const { rejectedOrder } = await fileTwoDepartures();
    const all = await queue(server.operatorKey);
    expect(all.counts.rejected).toBe(1);
    expect(all.counts.inspection).toBe(1);
    expect(all.counts.released ?? 0).toBeGreaterThan(2);
    const statsRes = await fetch(`${server.url}/v1/customs/statistics?currency=USD`, {
      headers: { authorization: `Bearer ${server.operatorKey}` },
    });
    expect(statsRes.status).toBe(200);
    const stats = (await statsRes.json()) as { parcels: number };
    expect(stats.parcels).toBe(all.counts.released);

    const open = await openPage(browser);
    const { page } = open;
    await signIn(page, server.url, server.operatorKey);
    await page.getByRole('link', { name: 'Customs' }).click();
    await page.getByTestId('declarations-table').waitFor();
    // One button per status present, with the API's count; the first page of the queue.
    const buttons = await page.locator('[data-testid=declaration-statuses] button').allTextContents();
    for (const [status, n] of Object.entries(all.counts).filter(([, n]) => n > 0)) {
      const label = status === 'manual-review' ? 'Manual review' : status[0]!.toUpperCase() + status.slice(1);
      expect(buttons, status).toContain(`${label} (${fmt(n)})`);
    }
    expect(await page.locator('[data-testid=declarations-table] tbody tr').count()).toBe(all.items.length);
    await page.getByTestId('customs-total').waitFor();
    expect(await page.getByTestId('customs-total').textContent()).toContain(
      `${fmt(stats.parcels)} parcels released`,
    );
    await checkPage(open, 'desktop-41-customs');

    // The rejected list, with customs' reason.
    await page.getByRole('button', { name: 'Rejected (1)' }).click();
    // The table keeps the unfiltered queue (which holds the rejected row too) until the filtered one
    // arrives: wait until every row is of the status chosen.
    await onlyRowsOf(page, 'rejected');
    expect(await page.locator('[data-testid=declarations-table] tbody tr').count()).toBe(1);
    const rejectedRow = (await page.locator('[data-testid=declarations-table] tbody tr').textContent()) ?? '';
    expect(rejectedRow).toContain(rejectedOrder);
    expect(rejectedRow).toContain('goods description too vague (test rule)');

    // Only the released ones, then one of them: its export list is the CEB603 message customs got.
    await page.getByRole('button', { name: `Released (${fmt(all.counts.released!)})` }).click();
    await onlyRowsOf(page, 'released');
    const statuses = await page
      .locator('[data-testid=declarations-table] tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    expect(new Set(statuses)).toEqual(new Set(['released']));
    const released = await queue(server.operatorKey, '?status=released');
    expect(statuses.length).toBe(released.items.length);
    await page.locator('[data-testid=declarations-table] tbody tr button').first().click();
    await page.getByTestId('documents').waitFor();
    await page.getByRole('button', { name: /Export list \(CEB603\)/ }).click();
    await page.getByTestId('document-xml').waitFor();
    const xml = (await page.getByTestId('document-xml').textContent()) ?? '';
    expect(xml).toContain('CEB603Message');
    expect(xml).toContain(released.items[0]!.orderNo);
    await checkPage(open, 'desktop-42-customs-declaration');
    await open.close();
  });

  it('shows a seller its own customs declarations and no hub statistics', async () => {
    const { server, browser } = context();
    await fileTwoDepartures();
    const all = await queue(server.operatorKey);
    const seller =
      server.sellers.find((s) => all.items.some((d) => d.sellerId === s.sellerId)) ?? server.sellers[0]!;
    const own = await queue(seller.key);
    const ownTotal = Object.values(own.counts).reduce((s, n) => s + n, 0);
    expect(ownTotal).toBeGreaterThan(0);
    expect(ownTotal).toBeLessThan(Object.values(all.counts).reduce((s, n) => s + n, 0));

    const open = await openPage(browser);
    const { page } = open;
    await signIn(page, server.url, seller.key);
    await page.getByRole('link', { name: 'Customs' }).click();
    await page.getByTestId('declarations-table').waitFor();
    const buttons = await page.locator('[data-testid=declaration-statuses] button').allTextContents();
    for (const [status, n] of Object.entries(own.counts).filter(([, n]) => n > 0))
      expect(
        buttons.some((b) => b.endsWith(`(${fmt(n)})`)),
        status,
      ).toBe(true);
    expect(await page.locator('[data-testid=declarations-table] tbody tr').count()).toBe(own.items.length);
    const orders = await page.locator('[data-testid=declarations-table] tbody tr button').allTextContents();
    expect(orders.sort()).toEqual(own.items.map((d) => d.orderNo).sort());
    expect(await page.getByTestId('customs-total').count()).toBe(0);
    await checkPage(open, 'desktop-43-customs-seller');
    await open.close();
  });
}
