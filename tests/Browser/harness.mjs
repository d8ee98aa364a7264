// What the browser scripts share: the scenario file, step logs, checks, and Debian's headless
// Chromium driven by playwright-core (installed by eng/deps.sh into .deps/browser).

import { readFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

const { chromium } = await import(new URL('../../.deps/browser/node_modules/playwright-core/index.mjs', import.meta.url));

export class CheckFailed extends Error {}

export const check = (condition, message) => { if (!condition) throw new CheckFailed(message); };

/** The scenario (argv[2], JSON), a step logger, and a browser page of the given height. */
export async function start(name, { height }) {
  const scenario = JSON.parse(await readFile(process.argv[2], 'utf8'));
  const started = Date.now();
  const log = message => console.log(`[${name} ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
  await mkdir(scenario.screenshots, { recursive: true });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const page = await (await browser.newContext({ viewport: { width: 1280, height } })).newPage();
  return { scenario, log, browser, page };
}

/**
 * Signs in at the OpenID provider's form after the page redirected there (authorization code with
 * PKCE): checks the S256 challenge, enters the user name, and waits until the page is back and ready.
 */
export async function signInAtProvider(page, { provider, url, user }, log) {
  const providerOrigin = new URL(provider).origin, pageOrigin = new URL(url).origin;
  await page.waitForURL(address => address.origin === providerOrigin);
  const request = new URL(page.url()).searchParams;
  log(`  at the provider: code_challenge_method=${request.get('code_challenge_method')}, redirect_uri=${request.get('redirect_uri')}`);
  check(request.get('code_challenge_method') === 'S256' && request.get('code_challenge')?.length === 43, 'the page must send a S256 code challenge');
  await page.locator('input[name="username"]').fill(user);
  await page.locator('button[type="submit"]').click();
  await page.waitForURL(address => address.origin === pageOrigin);
  await page.locator('body[data-ready="true"]').waitFor();
}

/**
 * Reports a failed run: the failed check (or the error's stack), what the page logged, a screenshot
 * (`${name}-failure.png`) and the page's text; sets the exit code to 1.
 */
export async function reportFailure(error, { page, scenario, log, name, problems = [] }) {
  log(`FAILED: ${error instanceof CheckFailed ? error.message : error.stack}`);
  if (problems.length) log(`the page logged:\n  ${problems.join('\n  ')}`);
  try {
    await page.screenshot({ path: path.join(scenario.screenshots, `${name}-failure.png`) });
    log(`at ${page.url()} the page showed:\n${await page.locator('body').innerText()}`);
  } catch (inner) {
    log(`(no failure screenshot: ${inner.message})`);
  }
  process.exitCode = 1;
}
