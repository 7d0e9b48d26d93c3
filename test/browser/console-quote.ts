import type { Browser } from 'playwright-core';
import { expect, it } from 'vitest';
import type { ConsoleServer } from './console-server.ts';
import { checkPage, openPage, signIn, type ViewportName } from './harness.ts';

/**
 * The quote page: stops once each and by name, several goods lines with an Incoterm, landed cost
 * before any quote, and a parcel over the weight limit answered in plain words.
 */
export function quoteTasks(
  context: () => { server: ConsoleServer; browser: Browser },
  viewport: ViewportName,
): void {
  it('quotes a parcel with two goods lines and DDP, stops by name, landed cost first', async () => {
    const { server, browser } = context();
    const open = await openPage(browser, { viewport });
    const { page } = open;
    await signIn(page, server.url, server.operatorKey);
    await page.goto(`${server.url}/quote`);
    await page.getByTestId('quote-form').waitFor();

    // Landed cost before any quote: goods only.
    await page.getByTestId('compute-landed').click();
    await page.getByTestId('landed-cost').waitFor();
    expect(await page.locator('[data-testid=landed-cost] tbody tr').count()).toBeGreaterThan(2);

    // A second goods line and DDP go into the request.
    await page.getByRole('button', { name: 'Add a goods line' }).click();
    const second = page.getByRole('group', { name: 'Goods line 2' });
    await second.getByLabel('Description').fill('Leather shoes');
    await second.getByLabel('HS code').fill('640399');
    await second.getByLabel(/Unit value/).fill('25');
    await page.getByLabel('Incoterm').selectOption('DDP');
    await page.getByLabel('Country').selectOption('PL');
    await page.getByLabel('Postcode').fill('00-001');
    const sent = page.waitForRequest((r) => r.url().endsWith('/v1/quotes') && r.method() === 'POST');
    await page.getByRole('button', { name: 'Get options' }).click();
    const body = (await sent).postDataJSON() as {
      incoterm: string;
      shipment: { items: { hsCode: string }[] };
    };
    expect(body.incoterm).toBe('DDP');
    expect(body.shipment.items.map((i) => i.hsCode)).toEqual(['610910', '640399']);
    await page.getByTestId('quote-options').waitFor();

    // Each route names its stops once, in words, never a node id.
    const routes = await page.getByTestId('route').allTextContents();
    expect(routes.length).toBeGreaterThan(1);
    for (const route of routes) {
      const stops = (route.split('Cleared at')[0] ?? '').split(' → ').map((s) => s.trim());
      for (let i = 1; i < stops.length; i++) expect(stops[i], route).not.toBe(stops[i - 1]);
    }
    const table = (await page.getByTestId('quote-options').textContent()) ?? '';
    const breakdown = (await page.getByTestId('cost-breakdown').textContent()) ?? '';
    for (const id of ['xiyong-hub', 'tuanjiecun', 'malaszewicze', 'erenhot'])
      expect(`${table}${breakdown}`).not.toContain(id);
    await checkPage(open, `${viewport}-21-quote`);

    // 95 kg: a plain sentence, and no request the API would refuse.
    open.requests.length = 0;
    await page.getByLabel('Gross weight (kg)').fill('95');
    await page.getByRole('button', { name: 'Get options' }).click();
    const problem = await page.getByTestId('quote-problem').textContent();
    expect(problem).toContain('at most 70 kg');
    expect(problem).not.toMatch(/grossWeightG|expected|number/);
    expect(open.requests.filter((r) => r.startsWith('POST /v1/quotes'))).toEqual([]);
    await open.close();
  });
}
