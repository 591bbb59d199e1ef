/**
 * The HTML pages in a real headless Chromium (Debian's `chromium` package + playwright-core): they render,
 * the filters hide rows, nothing is fetched from the network and the console stays clean.
 * No browser is a failure, not a skip.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CAPTURE_6_18, SNAP_6_1, SNAP_6_12, cli, editedCaptureDirs, publicCaptures, tmpDir, UBUNTU_5_15 } from './real.js';

const CHROMIUM = '/usr/bin/chromium';
let browser: BrowserContext;
let tmp: string;
let orig: string;
let edited: string;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  tmp = tmpDir('browser');
  ({ orig, edited } = editedCaptureDirs());
  // A fresh profile directory per run (playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => {
  await browser?.close();
  for (const d of [orig, edited, tmp]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

async function open(file: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file://')) problems.push(`network request: ${r.url()}`);
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, problems };
}

const visible = (page: Page, sel: string) => page.locator(`${sel}:visible`).count();

describe('HTML report in Chromium', () => {
  it('renders the real edited capture diff, with old and new layouts side by side, and filters by severity', async () => {
    const out = path.join(tmp, 'edited.html');
    const r = await cli(['diff', orig, edited, '--format', 'html', '-o', out]);
    expect(r.code).toBe(1);
    const { page, problems } = await open(out);
    expect(await page.title()).toContain('tpdrift:');
    // kmalloc's raw-pointer field (info) was there before the edit: not the edit's finding.
    expect(await page.locator('h1').textContent()).toBe('tpdrift: 3 errors, 2 warnings, 0 info');
    expect(await page.locator('li.finding').count()).toBe(5);
    expect(await page.locator('#count').textContent()).toBe('5 of 5 findings shown');
    // sched_wakeup: prio gone on the new side, target_cpu moved.
    const layout = page.locator('section.event[data-event="sched:sched_wakeup"] table.layout');
    expect(await layout.locator('tr.removed').count()).toBe(1);
    expect(await layout.locator('tr.removed td.old').textContent()).toBe('int prio');
    expect(await layout.locator('tr.changed td.new').first().textContent()).toBe('int target_cpu');
    expect(await page.locator('section.event[data-event="kmem:kmalloc"] tr.changed td.new').first().textContent()).toBe('long node');
    // Click: errors off → the three error rows hide, and the count follows.
    await page.locator('input[data-filter="severity"][value="error"]').click();
    expect(await visible(page, 'li.finding[data-severity="error"]')).toBe(0);
    expect(await visible(page, 'li.finding')).toBe(2);
    expect(await page.locator('#count').textContent()).toBe('2 of 5 findings shown');
    // Rule filter on top: only print-format-changed; the events left without rows hide too.
    await page.locator('#f-rule').selectOption('print-format-changed');
    expect(await visible(page, 'li.finding')).toBe(1);
    expect(await visible(page, 'section.event')).toBe(1);
    await page.locator('#f-rule').selectOption('');
    await page.locator('input[data-filter="severity"][value="error"]').click();
    await page.locator('#f-system').selectOption('kmem');
    expect(await visible(page, 'section.event')).toBe(1);
    expect(await visible(page, 'li.finding')).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('renders a big real diff (Ubuntu 5.15 → 6.18.44: 3,085 findings) and the text search filters', async () => {
    const out = path.join(tmp, 'ubuntu.html');
    const r = await cli(['diff', path.join(publicCaptures(), UBUNTU_5_15), CAPTURE_6_18, '--format', 'html', '-o', out]);
    expect(r.code).toBe(0);
    const html = fs.readFileSync(out, 'utf8');
    expect(html).not.toMatch(/<(link|img|script)[^>]+(src|href)=/i);
    const { page, problems } = await open(out);
    const total = await page.locator('li.finding').count();
    expect(total).toBe(3085);
    await page.locator('#f-text').fill('signed');
    const shown = await visible(page, 'li.finding');
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(50);
    await page.locator('input[data-filter="severity"][value="warning"]').click();
    expect(await visible(page, 'li.finding[data-severity="warning"]')).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('renders the history grid of Debian 6.1 → 6.12 trees → the 6.18.44 capture, and its filters work', async () => {
    const out = path.join(tmp, 'history.html');
    const r = await cli(['history', SNAP_6_1, SNAP_6_12, CAPTURE_6_18, '--events', 'sched:*', '--format', 'html', '-o', out]);
    expect(r.code).toBe(0);
    const { page, problems } = await open(out);
    expect(await page.locator('table.grid thead th').allTextContents()).toEqual(['event / field', '6.1.176', '6.12.117', '6.18.44']);
    const runtime = page.locator('tbody.event').filter({ has: page.locator('td.name', { hasText: /^sched:sched_stat_runtime$/ }) });
    const vr = runtime.locator('tr.field').filter({ has: page.locator('td.name', { hasText: /^vruntime$/ }) });
    expect(await vr.locator('td.c').evaluateAll((tds) => tds.map((td) => (td as HTMLElement).dataset.state))).toEqual(['same', 'removed', 'absent']);
    // Cells are coloured (the picture): a removed cell is red-ish, a present one is not.
    const colours = await vr.locator('td.c').evaluateAll((tds) => tds.map((td) => getComputedStyle(td).backgroundColor));
    expect(colours[1]).toBe('rgb(229, 57, 53)');
    expect(colours[0]).not.toBe(colours[1]);
    const fieldsBefore = await visible(page, 'tr.field');
    expect(fieldsBefore).toBeGreaterThan(0);
    await page.locator('#f-fields').click();
    expect(await visible(page, 'tr.field')).toBe(0);
    await page.locator('#f-text').fill('sched_stat_runtime');
    expect(await visible(page, 'tbody.event')).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });
});
