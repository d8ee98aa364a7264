// What the browser scripts share: the scenario file, step logs, checks, and Debian's headless
// Chromium driven by playwright-core (installed by eng/deps.sh into .deps/browser).

import { readFile, mkdir } from 'node:fs/promises';

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
