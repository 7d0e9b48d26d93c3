/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Browser, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { ConsoleServer } from './console-server.ts';
import { checkPage, openPage, signIn } from './harness.ts';

/** Text boxes of each chart that overlap another text box of the same chart (labels, legends, axes). */
async function overlappingLabels(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const svg of document.querySelectorAll('.chart svg')) {
      const boxes = [...svg.querySelectorAll('text')]
        .filter((t) => (t.textContent ?? '').trim() !== '' && t.getAttribute('opacity') !== '0')
        .map((t) => ({ text: t.textContent ?? '', r: t.getBoundingClientRect() }))
        .filter((b) => b.r.width > 0 && b.r.height > 0);
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]!.r;
          const b = boxes[j]!.r;
          const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (w > 2 && h > 2)
            out.push(
              `${svg.parentElement?.getAttribute('aria-label')}: "${boxes[i]!.text}" / "${boxes[j]!.text}"`,
            );
        }
    }
    return out;
  });
}

/** Chinese names and amounts in CNY; charts whose labels never overlap; a page gone after a deploy. */
export function languageAndChartTasks(context: () => { server: ConsoleServer; browser: Browser }): void {
  it('shows charts with separated labels and thousands separators, at both sizes', async () => {
    const { server, browser } = context();
    for (const viewport of ['desktop', 'phone'] as const) {
      const open = await openPage(browser, { viewport });
      await signIn(open.page, server.url, server.operatorKey);
      await open.page.locator('#value-by-destination svg').waitFor();
      await open.page.waitForTimeout(600);
      expect(await overlappingLabels(open.page), viewport).toEqual([]);
      const status = (await open.page.locator('#by-status svg').textContent()) ?? '';
      expect(status).toMatch(/\d,\d{3}/);
      await open.close();
    }
  });

  it('speaks Chinese: services, stations, container types, goods, and amounts in CNY', async () => {
    const { server, browser } = context();
    const open = await openPage(browser, { language: 'zh-CN' });
    const { page } = open;
    await signIn(page, server.url, server.operatorKey);
    await expect(page.getByTestId('currency').inputValue()).resolves.toBe('CNY');
    await page.getByTestId('kpis').waitFor();
    const kpis = (await page.getByTestId('kpis').textContent()) ?? '';
    expect(kpis).toMatch(/¥\d{1,3}(,\d{3})*\.\d{2}/);
    const wrap = await page
      .locator('[data-testid=kpis] .stat-value')
      .first()
      .evaluate((e) => getComputedStyle(e).whiteSpace);
    expect(wrap).toBe('nowrap');
    await checkPage(open, 'zh-01-dashboard');

    await page.goto(`${server.url}/board`);
    await page.getByTestId('departures-table').waitFor();
    await page.getByLabel('仅显示计划使用的班次').uncheck();
    const services = await page
      .locator('[data-testid=departures-table] tbody tr td:first-child')
      .allTextContents();
    expect(services.length).toBeGreaterThan(5);
    for (const s of services) expect(s).not.toMatch(/freighter|container service|train|Chongqing/);
    await checkPage(open, 'zh-02-board');

    await page.goto(`${server.url}/container`);
    await page.getByLabel('箱型').waitFor();
    const types = await page.getByLabel('箱型').locator('option').allTextContents();
    for (const t of types) expect(t).toContain('英尺');
    // with parcels waiting at the hub the page loads them; with none it says so and asks the loader nothing
    const waiting = await fetch(`${server.url}/v1/parcels?status=received&limit=1`, {
      headers: { authorization: `Bearer ${server.operatorKey}` },
    }).then((r) => r.json() as Promise<{ items: unknown[] }>);
    if (waiting.items.length === 0) {
      await expect(page.getByTestId('no-waiting').textContent()).resolves.toContain('没有待发包裹');
      expect(open.requests.filter((r) => r.startsWith('POST /v1/load-plans'))).toEqual([]);
    } else {
      await page.getByTestId('load-utilisation').waitFor({ timeout: 60_000 });
    }

    await page.goto(`${server.url}/quote`);
    await page.getByTestId('quote-form').waitFor();
    await expect(page.getByLabel('品名').first().inputValue()).resolves.toBe('纯棉T恤');
    await page.getByRole('button', { name: '获取方案' }).click();
    await page.getByTestId('quote-options').waitFor();
    const costs = await page
      .locator('[data-testid=quote-options] tbody td.num:nth-last-child(2)')
      .allTextContents();
    for (const c of costs) expect(c).toMatch(/^¥\d{1,3}(,\d{3})*\.\d{2}$/);
    const route = (await page.getByTestId('route').first().textContent()) ?? '';
    expect(route).toMatch(/[\u4e00-\u9fff]/);
    await checkPage(open, 'zh-03-quote');
    await open.close();
  });

  it('offers a reload when a page file is gone after a deploy', async () => {
    const { server, browser } = context();
    const open = await openPage(browser);
    const { page } = open;
    await signIn(page, server.url, server.operatorKey);
    await page.getByTestId('kpis').waitFor();
    await page.route('**/assets/quote-*.js', (route) => route.fulfill({ status: 404, body: 'gone' }));
    await page.getByRole('link', { name: 'Quote & landed cost' }).click();
    await page.getByTestId('stale-chunk').waitFor();
    await page.unroute('**/assets/quote-*.js');
    await page.getByRole('button', { name: 'Reload the console' }).click();
    await page.getByTestId('quote-form').waitFor();
    await open.close();
  });
}
