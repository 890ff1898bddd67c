import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { eventually } from '../../../platform/test-kit/eventually';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDashboardStack, TOKEN, type DashboardStack } from './stack';

/**
 * The dashboard in a real Chromium (Debian's package, driven by playwright-core; never a
 * downloaded browser). .ci/run installs it when it is missing, so a missing browser fails here.
 */
const CHROMIUM = process.env.STRANGLER_CHROMIUM ?? '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '../../..');
/** Set to a file name (docs/dashboard.png) to write the README's screenshot of the overview. */
const SCREENSHOT = process.env.STRANGLER_SCREENSHOT;

jest.setTimeout(120_000);

let stack: DashboardStack;
let browser: Browser;
const urls: string[] = [];
const consoleErrors: string[] = [];

/** The CLI against the same state store file, as an operator elsewhere in the fleet would run it. */
function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/strangler.js'), 'routes', ...args, '--store', stack.stateUrl, '--routes', stack.routesFile], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A page whose console errors count against the dashboard (`watchConsole` false: a page expected to meet a refusal). */
async function openPage(width = 1280, height = 900, watchConsole = true): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  page.on('request', (r) => urls.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' && watchConsole) consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(`${stack.adminUrl}/dashboard`);
  return page;
}

async function signIn(page: Page, token = TOKEN): Promise<void> {
  // Keyboard only: the token field has the focus when the page opens.
  await page.keyboard.type(token);
  await page.keyboard.press('Enter');
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium), as .ci/run does`);
  stack = await startDashboardStack();
  await cli('flip', 'products', '--to', 'shadow', '--reason', 'compare before moving');
  // The gateway applies the store's new version when its follower next looks.
  await eventually(() => stack.gateway.table().routes.find((r) => r.id === 'products')?.mode === 'shadow');
  await stack.traffic(['/api/products/1', '/api/products/2', '/api/products/3', '/api/reports/daily']);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('the dashboard in Chromium', () => {
  it('refuses a wrong token with a clear message', async () => {
    // Chromium logs the 401 itself as a console error: this page is the one expected to meet it.
    const page = await openPage(1280, 900, false);
    await signIn(page, 'not-the-token');
    await page.getByRole('alert').filter({ hasText: 'The token is wrong' }).waitFor();
    expect(await page.locator('#view').isHidden()).toBe(true);
    await page.close();
  });

  it('logs in and shows every route with its mode, the burn-down and the match rate with its sample', async () => {
    const page = await openPage();
    await signIn(page);
    for (const [id, mode] of [['products', 'shadow'], ['orders', 'legacy'], ['reports', 'legacy'], ['catch-all', 'legacy']]) {
      await page.locator(`tr[data-route="${id}"] [data-mode="${mode}"]`).waitFor();
    }
    expect(await page.locator('tr[data-route="products"]').innerText()).toMatch(/66\.7%\s+of 3/);
    expect(await page.locator('.burndown figcaption').innerText()).toMatch(/legacy served 100\.0% of \d+ requests/);
    // Times in the viewer's zone, UTC on hover.
    expect(await page.locator('tr[data-route="products"] .last-legacy time').getAttribute('title')).toMatch(/UTC$/);
    if (SCREENSHOT) {
      mkdirSync(path.dirname(path.resolve(ROOT, SCREENSHOT)), { recursive: true });
      await page.screenshot({ path: path.resolve(ROOT, SCREENSHOT), clip: { x: 0, y: 0, width: 1280, height: 720 } });
    }
    await page.close();
  });

  it('follows a flip made through the CLI without a reload', async () => {
    const page = await openPage();
    await signIn(page);
    await page.locator('tr[data-route="orders"] [data-mode="legacy"]').waitFor();
    const flipped = await cli('flip', 'orders', '--to', 'shadow', '--reason', 'mirror orders');
    expect(flipped.status).toBe(0);
    await page.locator('tr[data-route="orders"] [data-mode="shadow"]').waitFor();
    await page.close();
  });

  it('flips through the page after showing the gate\'s verdict, and the audit records via dashboard', async () => {
    const page = await openPage();
    await signIn(page);
    await page.getByRole('button', { name: 'Change route products' }).click();
    await page.locator('#action-what').selectOption('flip:canary');
    // The gate refuses with its numbers, and Confirm stays disabled.
    await page.locator('#action-preview .error').filter({ hasText: 'match rate 66.7% is below 99.0%' }).waitFor();
    expect(await page.locator('#action-confirm').isDisabled()).toBe(true);
    await page.locator('#action-what').selectOption('flip:legacy');
    await page.locator('#action-preview [data-allowed="true"]').waitFor();
    await page.locator('#action-reason').fill('pause the comparison');
    await page.locator('#action-confirm').click();
    await page.locator('tr[data-route="products"] [data-mode="legacy"]').waitFor();
    const history = await cli('history', 'products', '--json');
    const [latest] = JSON.parse(history.stdout) as { via: string; reason: string; to: { mode: string } }[];
    expect(latest).toMatchObject({ reason: 'pause the comparison', to: { mode: 'legacy' } });
    expect(latest?.via).toMatch(/^dashboard /);
    await page.close();
  });

  it('shows a route\'s history, its differing fields and a sample side by side with the differing path marked', async () => {
    const page = await openPage();
    await signIn(page);
    await page.locator('tr[data-route="products"] a').click();
    await page.locator('table.history tr[data-entry]').first().waitFor();
    expect(await page.locator('table.history').innerText()).toContain('compare before moving');
    await page.locator('tr[data-field="price"]').filter({ hasText: 'real' }).waitFor();
    await page.locator('tr[data-field="price"] button').click();
    expect(await page.locator('.side-by-side mark').first().innerText()).toContain('"price"');
    await page.locator('.explain-out').isVisible();
    await page.getByRole('button', { name: 'Explain' }).click();
    await page.locator('.explain-out').filter({ hasText: 'route products' }).waitFor();
    await page.close();
  });

  it('is readable on a phone-sized viewport', async () => {
    const page = await openPage(390, 844);
    await signIn(page);
    await page.locator('tr[data-route="products"] [data-mode]').waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
    await page.close();
  });

  it('had no console error, and the token appeared in no request URL and no cookie', async () => {
    expect(consoleErrors).toEqual([]);
    expect(urls.length).toBeGreaterThan(10);
    for (const u of urls) expect(u).not.toContain(TOKEN);
    const page = await openPage();
    await signIn(page);
    await page.locator('tr[data-route="products"]').waitFor();
    expect(await page.evaluate('document.cookie')).toBe('');
    await page.close();
  });

  it('refuses inline script under its CSP', async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${stack.adminUrl}/dashboard`);
    expect(res?.headers()['content-security-policy']).toContain("default-src 'self'");
    // A string, run in the page: the test's own types know no DOM.
    const outcome = (await page.evaluate(`new Promise((resolve) => {
      document.addEventListener('securitypolicyviolation', (e) => resolve({ ran: 'injected' in window, violated: e.violatedDirective }));
      const s = document.createElement('script');
      s.textContent = 'window.injected = true';
      document.body.append(s);
    })`)) as { ran: boolean; violated: string };
    expect(outcome.ran).toBe(false);
    expect(outcome.violated).toMatch(/^script-src/);
    await page.close();
  });
});
