import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo } from '../../scripts/buildDemo.js';
import { startTestService, type TestService } from '../support/startTestService.js';
import { testPair } from '../support/testPair.js';

/** Debian's chromium (`.ci/run` installs it); playwright never downloads a browser here. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const SCREENSHOT_PATH = 'test-results/demo-page.png';
const ROCKET = 1;
/** Bounds of a wait on the page (a deadline, not a sleep); generous for a busy 2-core box. */
const PAGE_TIMEOUT_MS = 20_000;

describe('the demo page in headless Chromium', () => {
  let service: TestService;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
    [service] = await Promise.all([startTestService(), buildDemo()]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  it('lists the rooms, joins room 0 signed in with a dev key, and shows a gift sent on the chain', async () => {
    await page.goto(`${service.url}/demo`);
    await page.getByTestId('key').selectOption('Bob');
    await expect
      .poll(() => page.getByTestId('address').textContent())
      .toBe(testPair('sr25519', 'Bob').address);
    await page
      .getByTestId('connection-state')
      .filter({ hasText: /^open$/ })
      .waitFor();
    await page.getByTestId('room-0').waitFor();
    expect(await page.getByTestId('rooms').locator('li').count()).toBe(4);

    await page.getByTestId('room-0').click();
    await page.getByTestId('feed').getByText('room:joined').waitFor();
    expect(await page.getByTestId('room-title').textContent()).toBe("#0 Alice's live show 🎥");
    expect(await page.getByTestId('room-status').textContent()).toBe('Live');
    // Bob signed in on the socket, so he counts as watching.
    await page.getByTestId('viewer-count').filter({ hasText: /^1$/ }).waitFor();

    await service.send('Charlie', 'livestream', 'sendGift', 0, ROCKET, 3);
    const gift = page.getByTestId('feed').locator('li', { hasText: 'gift:received' });
    await gift.waitFor();
    expect(await gift.textContent()).toContain('×3 (30 DUST)');
    await page.getByTestId('total-gifts').filter({ hasText: '50 DUST' }).waitFor();

    await page.getByTestId('viewer-token').click();
    await page.getByTestId('token-result').filter({ hasText: 'room-0 as' }).waitFor();

    // The server drops the page: it reconnects by itself, resumes room 0, and the next gift shows.
    for (const conn of service.hub.connections()) conn.socket.terminate();
    const joins = page.getByTestId('feed').locator('li', { hasText: 'room:joined' });
    await expect.poll(() => joins.count(), { timeout: PAGE_TIMEOUT_MS }).toBe(2);
    await page
      .getByTestId('connection-state')
      .filter({ hasText: /^open$/ })
      .waitFor();
    await service.send('Dave', 'livestream', 'sendGift', 0, ROCKET, 1);
    await page.getByTestId('feed').locator('li', { hasText: '×1 (10 DUST)' }).waitFor();
    expect(await page.getByTestId('feed').locator('li', { hasText: 'gift:received' }).count()).toBe(2);

    await mkdir('test-results', { recursive: true });
    await page.screenshot({ path: SCREENSHOT_PATH, fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
