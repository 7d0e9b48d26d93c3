import type { Browser } from 'playwright-core';
import { expect, it } from 'vitest';
import type { ConsoleServer } from './console-server.ts';
import { checkPage, openPage, signIn } from './harness.ts';

/**
 * Issue 12's pages: a parcel's timeline with its ETA window, the operator's exceptions queue, a
 * seller's webhooks, and the public tracking page in five languages with no personal data.
 */
export function journeyTasks(context: () => { server: ConsoleServer; browser: Browser }): void {
  it('shows a parcel timeline, the exceptions queue and the public tracking page', async () => {
    const { server, browser } = context();
    const page1 = await server.store.parcels.list({ limit: 1, status: 'received' });
    const parcel = page1.items[0] ?? (await server.store.parcels.list({ limit: 1 })).items[0];
    if (!parcel) throw new Error('the sample hub has no parcel');
    const res = await fetch(`${server.url}/v1/parcels/${parcel.id}/journey`, {
      headers: { authorization: `Bearer ${server.operatorKey}` },
    });
    expect(res.status).toBe(200);
    const journey = (await res.json()) as { trackingNumber: string; events: unknown[] };

    const open = await openPage(browser);
    const { page } = open;
    await signIn(page, server.url, server.operatorKey);
    await page.goto(`${server.url}/parcels/${parcel.id}`);
    await page.getByTestId('journey-facts').waitFor();
    await expect(page.getByTestId('journey-facts').textContent()).resolves.toContain(journey.trackingNumber);
    await page.getByTestId('eta-window').waitFor();
    if (journey.events.length > 0)
      expect(await page.locator('[data-testid=timeline] li').count()).toBe(journey.events.length);
    await checkPage(open, 'desktop-31-parcel-journey');

    await page.getByRole('link', { name: 'Exceptions' }).click();
    await page.getByTestId('exception-kinds').waitFor();
    await page.locator('[data-testid=exceptions-table], #exceptions').first().waitFor();
    await checkPage(open, 'desktop-32-exceptions');
    await open.close();

    // The buyer: no key, five languages, nothing personal in the page.
    const pub = await openPage(browser);
    const labels = new Set<string>();
    for (const lang of ['en', 'zh-CN', 'ru', 'pl', 'de']) {
      await pub.page.goto(`${server.url}/track/${encodeURIComponent(journey.trackingNumber)}?lang=${lang}`);
      await pub.page.getByTestId('track-status').waitFor();
      labels.add((await pub.page.getByTestId('track-status').textContent()) ?? '');
      const html = await pub.page.content();
      for (const secret of [parcel.consignee.name, parcel.consignee.phone, parcel.consignee.address])
        expect(html).not.toContain(secret);
      await checkPage(pub, `desktop-33-track-${lang}`);
    }
    expect(labels.size).toBeGreaterThanOrEqual(4);
    await pub.close();
  });

  it("lists a seller's webhook subscriptions", async () => {
    const { server, browser } = context();
    const seller = server.sellers[0]!;
    const open = await openPage(browser);
    await signIn(open.page, server.url, seller.key);
    expect(await open.page.getByRole('link', { name: 'Exceptions' }).count()).toBe(0);
    await open.page.getByRole('link', { name: 'Webhooks' }).click();
    await open.page.getByTestId('webhook-form').waitFor();
    await open.page.getByTestId('subscriptions').waitFor({ state: 'attached' });
    await checkPage(open, 'desktop-34-webhooks');
    await open.close();
  });
}
