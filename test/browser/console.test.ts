import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { customsTasks } from './console-customs.ts';
import { journeyTasks } from './console-journey.ts';
import { quoteTasks } from './console-quote.ts';
import { type ConsoleServer, startConsoleServer } from './console-server.ts';
import { languageAndChartTasks } from './console-zh.ts';
import {
  checkPage,
  launchBrowser,
  layoutShift,
  missingBrowser,
  openPage,
  signIn,
  VIEWPORTS,
  type ViewportName,
} from './harness.ts';

// Each task walks several pages with axe-core at each: minutes on a busy 2-core machine.
vi.setConfig({ testTimeout: 300_000 });

if (missingBrowser) console.warn(`browser tests skipped: ${missingBrowser}`);

interface PlanAnswer {
  id: string;
  params: { days?: number };
  result: {
    horizon: { from: string; days: number };
    summary: { parcels: number; planned: number; held: number; containers: number };
    heldByReason: { reason: string; parcels: number }[];
    containerProof?: { containers: number; proven: number; parcelsMoved?: number; parcelsHeld?: number };
    departures: { id: string; containers: { id: string; parcels: number }[] }[];
  };
}

const fmt = (n: number) => new Intl.NumberFormat('en-GB').format(n);

/**
 * The operator's and a seller's main tasks in Chromium, at 1440×900 and at 390×844: each page without
 * sideways scroll, console errors or axe-core violations, and with the figures the API holds.
 */
describe.skipIf(missingBrowser !== undefined)('web console in Chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let plan: PlanAnswer;

  const api = async <T>(key: string, path: string): Promise<T> => {
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
    const list = await api<{ plans: { id: string; status: string }[] }>(server.operatorKey, '/v1/plans');
    const done = list.plans.find((p) => p.status === 'done');
    if (!done) throw new Error('the sample hub has no finished plan');
    plan = await api<PlanAnswer>(server.operatorKey, `/v1/plans/${done.id}`);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('serves the sign-in page at / and the app for client routes', async () => {
    const open = await openPage(browser);
    const res = await open.page.goto(`${server.url}/parcels`);
    expect(res?.status()).toBe(200);
    await open.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await checkPage(open, '00-sign-in');
    await open.close();
  });

  languageAndChartTasks(() => ({ server, browser }));
  journeyTasks(() => ({ server, browser }));
  customsTasks(() => ({ server, browser }));

  describe.each(Object.keys(VIEWPORTS) as ViewportName[])('at %s size', (viewport) => {
    quoteTasks(() => ({ server, browser }), viewport);

    it("runs the operator's day: dashboard, board, container, parcels", async () => {
      const open = await openPage(browser, { viewport });
      const { page } = open;
      await signIn(page, server.url, server.operatorKey);
      await expect(page.getByTestId('who').textContent()).resolves.toBe('Hub operator');

      // The shipped rates are older than a week: the footer says from which day, as GET /v1/fx does.
      const fxAnswer = (await (
        await fetch(`${server.url}/v1/fx`, { headers: { authorization: `Bearer ${server.operatorKey}` } })
      ).json()) as { reference: { newestDate: string; ageDays: number; stale: boolean } };
      expect(fxAnswer.reference.stale).toBe(true);
      await page.getByTestId('fx-notice').waitFor();
      const fxNotice = (await page.getByTestId('fx-notice').textContent()) ?? '';
      expect(fxNotice).toContain(fxAnswer.reference.newestDate);
      expect(fxNotice).toContain(`${fxAnswer.reference.ageDays} days old`);

      // Dashboard: the plan's figures name the plan they come from.
      await page.getByTestId('kpis').waitFor();
      await page.locator('#by-destination svg').waitFor();
      const kpis = (await page.getByTestId('kpis').textContent()) ?? '';
      expect(kpis).toContain(fmt(plan.result.summary.parcels));
      expect(kpis).toMatch(/On-time rate\d+(\.\d)?%/);
      await expect(page.getByTestId('from-plan').first().textContent()).resolves.toContain(
        plan.id.replace(/^plan-/, '').slice(0, 8),
      );
      await checkPage(open, `${viewport}-01-dashboard`);

      // Board: planned, held (by reason) and containers as the plan has them; the horizon of the plan.
      open.requests.length = 0;
      await page.goto(`${server.url}/board`);
      await page.getByTestId('plan-summary').waitFor();
      const s = plan.result.summary;
      expect(s.planned + s.held).toBe(s.parcels);
      await expect(page.getByTestId('planned').textContent()).resolves.toBe(fmt(s.planned));
      await expect(page.getByTestId('held').textContent()).resolves.toBe(fmt(s.held));
      await expect(page.getByTestId('containers').textContent()).resolves.toBe(fmt(s.containers));
      for (const h of plan.result.heldByReason)
        expect(await page.getByTestId('held-reasons').textContent()).toContain(fmt(h.parcels));
      // The containers the 3D loader proved, and what it could not load moved or held.
      const proof = plan.result.containerProof!;
      expect(proof).toBeDefined();
      const proven = (await page.getByTestId('containers-proven').textContent()) ?? '';
      expect(proven).toContain(`${fmt(proof.proven)} of ${fmt(proof.containers)} proven by the 3D loader`);
      if ((proof.parcelsMoved ?? 0) + (proof.parcelsHeld ?? 0) > 0)
        expect(proven).toContain(
          `${fmt(proof.parcelsMoved ?? 0)} moved, ${fmt(proof.parcelsHeld ?? 0)} held`,
        );
      await expect(page.getByTestId('horizon').inputValue()).resolves.toBe(String(plan.result.horizon.days));
      await expect(page.getByTestId('plan-caption').textContent()).resolves.toContain(
        plan.id.replace(/^plan-/, '').slice(0, 8),
      );
      // Departures: none already gone, every time in the hub's zone (named once).
      await page.getByTestId('departures-table').waitFor();
      await expect(page.getByTestId('departures-zone').textContent()).resolves.toContain('Asia/Shanghai');
      const departs = await page
        .locator('[data-testid=departures-table] tbody tr')
        .evaluateAll((rows) => rows.map((r) => Date.parse(r.getAttribute('data-depart-at') ?? '')));
      expect(departs.length).toBeGreaterThan(3);
      for (const at of departs) expect(at).toBeGreaterThan(Date.now() - 60_000);
      expect(open.requests.filter((r) => r.startsWith('GET /docs/json'))).toEqual([]);
      expect(open.requests.filter((r) => r.startsWith('GET /v1/network'))).toEqual([]);
      if (viewport === 'desktop') expect(await layoutShift(page)).toBeLessThan(0.1);
      await checkPage(open, `${viewport}-02-board`);

      // Container: one request for its contents, not one per parcel; boxes identified by pointing.
      const first = plan.result.departures.flatMap((d) => d.containers).find((c) => c.parcels > 20);
      if (!first) throw new Error('the sample plan fills no container');
      open.requests.length = 0;
      await page.goto(
        `${server.url}/container?plan=${encodeURIComponent(plan.id)}&container=${encodeURIComponent(first.id)}`,
      );
      await page.getByTestId('load-utilisation').waitFor({ timeout: 60_000 });
      expect(
        open.requests.filter((r) => /^GET \/v1\/plans\/[^/]+\/containers\//.test(r)),
        open.requests.join('\n'),
      ).toHaveLength(1);
      expect(open.requests.filter((r) => /^GET \/v1\/parcels\//.test(r))).toEqual([]);
      await page.getByTestId('reset-view').waitFor();
      await checkPage(open, `${viewport}-03-container`);

      // Parcels: the total, newest first as the caption says, found by order number.
      await page.goto(`${server.url}/parcels`);
      await page.getByTestId('parcels-table').waitFor();
      await expect(page.getByTestId('parcels-total').textContent()).resolves.toContain(
        `${fmt(s.parcels)} parcels`,
      );
      const created = await page
        .locator('[data-testid=parcels-table] tbody tr')
        .evaluateAll((rows) => rows.map((r) => Date.parse(r.getAttribute('data-created') ?? '')));
      expect(created).toHaveLength(50);
      expect([...created].sort((a, b) => b - a)).toEqual(created);
      expect(await page.locator('[data-testid=parcels-table] caption').textContent()).toBe(
        'Parcels, newest first',
      );
      expect(await page.getByLabel('Parcel id or order number').getAttribute('placeholder')).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-/,
      );
      const order = await page
        .locator('[data-testid=parcels-table] tbody tr td:nth-child(2)')
        .nth(3)
        .textContent();
      await page.getByLabel('Parcel id or order number').fill(order ?? '');
      await page.getByRole('button', { name: 'Open' }).click();
      await page.waitForURL(/orderNo=/);
      await page.locator('[data-testid=parcels-total]', { hasText: '1 parcel' }).waitFor();
      expect(await page.locator('[data-testid=parcels-table] tbody tr').count()).toBe(1);
      expect(await page.getByRole('alert').count()).toBe(0);
      await checkPage(open, `${viewport}-04-parcels`);
      await page.locator('[data-testid=parcels-table] tbody tr a').first().click();
      await page.getByRole('heading', { name: /^Parcel / }).waitFor();
      await page.getByRole('heading', { name: 'Events' }).waitFor();
      await checkPage(open, `${viewport}-05-parcel`);
      await open.close();
    });

    it("runs a seller's day: own figures, no planning controls, quote", async () => {
      const [a, b] = server.sellers;
      if (!a || !b) throw new Error('the sample hub has fewer than two demo sellers');
      const open = await openPage(browser, { viewport });
      const { page } = open;
      await signIn(page, server.url, a.key);
      await expect(page.getByTestId('who').textContent()).resolves.toContain(a.sellerId);
      await page.getByTestId('kpis').waitFor();
      const own = await server.store.parcels.count({ sellerId: a.sellerId });
      expect(await page.getByTestId('kpis').textContent()).toContain(fmt(own));
      await checkPage(open, `${viewport}-11-seller-dashboard`);

      await page.goto(`${server.url}/board`);
      await page.getByTestId('operator-only').waitFor();
      expect(await page.getByTestId('start-plan').count()).toBe(0);
      expect(await page.getByTestId('disruption-form').count()).toBe(0);
      await page.getByTestId('departures-table').waitFor();
      await checkPage(open, `${viewport}-12-seller-board`);

      await page.goto(`${server.url}/parcels`);
      await page.getByTestId('parcels-table').waitFor();
      const sellers = await page
        .locator('[data-testid=parcels-table] tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-seller')));
      expect(new Set(sellers)).toEqual(new Set([a.sellerId]));
      await expect(page.getByTestId('parcels-total').textContent()).resolves.toContain(fmt(own));
      await checkPage(open, `${viewport}-13-seller-parcels`);

      await page.goto(`${server.url}/quote`);
      await page.getByTestId('quote-form').waitFor();
      await page.getByLabel('Country').selectOption('PL');
      await page.getByLabel('Postcode').fill('00-001');
      await page.getByLabel('Gross weight (kg)').fill('2.5');
      await page.getByRole('button', { name: 'Get options' }).click();
      await page.getByTestId('quote-options').waitFor();
      const rows = await page.locator('[data-testid=quote-options] tbody tr').count();
      expect(rows).toBeGreaterThan(1);
      await checkPage(open, `${viewport}-14-seller-quote`);
      await open.close();
    });
  });
});
