/// <reference lib="dom" />
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's Chromium (`apt-get install -y chromium`); the tests skip, saying so, when it is missing. */
export const CHROMIUM = '/usr/bin/chromium';
/** Screenshots of every task, for a person to look at (gitignored). */
export const SCREENSHOTS = join(process.cwd(), 'test-output', 'screenshots');
export const missingBrowser = existsSync(CHROMIUM)
  ? undefined
  : `${CHROMIUM} not found (apt-get install -y chromium)`;

export const VIEWPORTS = {
  desktop: { width: 1440, height: 900 },
  phone: { width: 390, height: 844 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--enable-unsafe-swiftshader'],
  });
}

export interface OpenPage {
  readonly page: Page;
  /** Console errors and uncaught exceptions of the page. */
  readonly errors: string[];
  /** Every request the page made, as "METHOD path?query". */
  readonly requests: string[];
  /** Requests sent and not yet answered (or failed). */
  readonly pending: () => number;
  close(): Promise<void>;
}

/** A fresh tab (no saved key) that records console errors, uncaught exceptions and requests. */
export async function openPage(
  browser: Browser,
  options: { language?: 'en' | 'zh-CN'; viewport?: ViewportName } = {},
): Promise<OpenPage> {
  const phone = options.viewport === 'phone';
  const context: BrowserContext = await browser.newContext({
    viewport: VIEWPORTS[options.viewport ?? 'desktop'],
    ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
    locale: options.language === 'zh-CN' ? 'zh-CN' : 'en-GB',
    timezoneId: 'Europe/Berlin',
    reducedMotion: 'reduce',
  });
  // Layout shifts, summed as the Cumulative Layout Shift metric does (shifts after input excluded).
  await context.addInitScript(() => {
    const w = window as unknown as { __cls: number };
    w.__cls = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[])
        if (!e.hadRecentInput) w.__cls += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  let pending = 0;
  page.on('request', (r) => {
    pending++;
    const u = new URL(r.url());
    requests.push(`${r.method()} ${u.pathname}${u.search}`);
  });
  page.on('requestfinished', () => pending--);
  page.on('requestfailed', () => pending--);
  return { page, errors, requests, pending: () => pending, close: () => context.close() };
}

export async function signIn(page: Page, url: string, key: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel(/API key|API 密钥/).fill(key);
  await page.getByRole('button', { name: /Sign in|登录/ }).click();
  await page.getByRole('navigation').first().waitFor();
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** How far the page scrolls sideways, in CSS pixels (0: it does not). */
export async function sidewaysScroll(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** axe-core's violations on the page as "rule: target" lines (WCAG 2.1 A and AA rules and best practice). */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            context: unknown,
            options: unknown,
          ) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  return result;
}

/** The page's Cumulative Layout Shift so far. */
export async function layoutShift(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __cls: number }).__cls);
}

/** How long the page must be quiet (no request in flight, no DOM change, the same size) to be settled. */
const QUIET_MS = 150;
/** Longest wait for a page to settle (one that keeps changing is checked as it is then). */
const SETTLE_LIMIT_MS = 10_000;

/**
 * Waits until the page has settled: its fonts loaded, no request in flight, and for {@link QUIET_MS}
 * neither a DOM change nor a change of the document's size, over at least two animation frames (the
 * charts draw in frames after their data arrives).
 */
export async function settle(open: OpenPage): Promise<void> {
  const { page } = open;
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  // the page records its last DOM change (installed once per document)
  const since = () =>
    page.evaluate(() => {
      const w = window as unknown as { __lastChange?: number };
      if (w.__lastChange === undefined) {
        w.__lastChange = performance.now();
        new MutationObserver(() => {
          w.__lastChange = performance.now();
        }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
      }
      return new Promise<{ quietMs: number; size: string }>((resolve) =>
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            const d = document.documentElement;
            resolve({
              quietMs: performance.now() - w.__lastChange!,
              size: `${d.scrollWidth}x${d.scrollHeight}`,
            });
          }),
        ),
      );
    });
  let size = '';
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    const now = await since();
    if (open.pending() > 0 || now.size !== size) {
      size = now.size;
      quietSince = Date.now();
    } else if (now.quietMs >= QUIET_MS && Date.now() - quietSince >= QUIET_MS) return;
    await page.waitForTimeout(25);
  }
}

/**
 * What every page of a task must be, at either size: no sideways scroll, no axe-core violation, no
 * console error; and a screenshot under test-output/screenshots.
 */
export async function checkPage(open: OpenPage, name: string, allowErrors: RegExp[] = []): Promise<void> {
  const { page, errors } = open;
  await settle(open);
  await shot(page, name);
  expect(await sidewaysScroll(page), `${name}: sideways scroll`).toBeLessThanOrEqual(0);
  expect(await axeViolations(page), `${name}: axe-core`).toEqual([]);
  expect(
    errors.filter((e) => !allowErrors.some((r) => r.test(e))),
    `${name}: console errors`,
  ).toEqual([]);
}
