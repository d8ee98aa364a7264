// Drives the web page in headless Chromium (Debian's /usr/bin/chromium through playwright-core)
// against a running stack, as a person would: sign in at the stack's OpenID provider, upload photos
// with the file picker and by drag and drop, read each card's label, filter, delete with the keyboard, read the pool panel.
//
//   node tests/Browser/page.mjs scenario.json
//
// scenario.json: { "url": "http://127.0.0.1:8080/", "provider": issuer, "user": name, "screenshots": "artifacts/browser",
//                  "picked": [{ "path", "file", "label" }, …], "dropped": { "path", "file", "label" } }
// Prints one line per step, and `RESULT {json}` last: the ids uploaded and the id deleted.
// Exits 1 on the first failed check, after a screenshot (failure.png) and what the page showed.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { check, CheckFailed, signInAtProvider, start } from './harness.mjs';

const STEP_TIMEOUT = 90_000;
const { scenario, log, browser, page } = await start('browser', { height: 900 });
page.setDefaultTimeout(STEP_TIMEOUT);

// Script errors and Content-Security-Policy violations end up here: the page must have none (the
// provider's own page, e.g. its missing favicon, is not ours).
const problems = [];
const pageOrigin = new URL(scenario.url).origin;
page.on('console', message => {
  if (message.type() === 'error' && new URL(message.location().url || page.url()).origin === pageOrigin)
    problems.push(`console: ${message.text()} (${message.location().url})`);
});
page.on('pageerror', error => problems.push(`page error: ${error.message}`));

async function screenshot(name) {
  const file = path.join(scenario.screenshots, name);
  await page.screenshot({ path: file, fullPage: true });
  log(`screenshot ${file}`);
}

const cardOf = id => page.locator(`#cards li.card[data-id="${id}"]`);

try {
  log(`open ${scenario.url}`);
  await page.goto(scenario.url);
  await page.locator('body[data-ready="true"]').waitFor();
  log(`sign in as ${scenario.user} at ${scenario.provider}`);
  await page.locator('#sign-in').click();
  await signInAtProvider(page, scenario, log);
  const session = await page.locator('#session-text').textContent();
  log(`session: "${session}"`);
  check(session === `Signed in as ${scenario.user}`, `the page should say "Signed in as ${scenario.user}"; it says "${session}"`);
  await page.locator('#gallery-status').filter({ hasNotText: 'Loading' }).waitFor();

  const uploads = [...scenario.picked, scenario.dropped];
  // Every upload request's Idempotency-Key; the first is answered 429 here (as the rate limiter would), so
  // the page's retry of it must carry the same key.
  const uploadKeys = [];
  const uploadRoute = url => url.pathname === '/v1/images';
  await page.route(uploadRoute, async route => {
    if (route.request().method() !== 'POST') return route.continue();
    uploadKeys.push(route.request().headers()['idempotency-key']);
    if (uploadKeys.length > 1) return route.continue();
    return route.fulfill({
      status: 429, headers: { 'Retry-After': '1' }, contentType: 'application/problem+json',
      body: JSON.stringify({ status: 429, title: 'Too many uploads', reason: 'rate-limited' }),
    });
  });
  log(`pick ${scenario.picked.map(p => p.file).join(', ')} in the file input`);
  await page.locator('#file-input').setInputFiles(scenario.picked.map(p => p.path));

  log(`drop ${scenario.dropped.file} on the drop zone`);
  const bytes = (await readFile(scenario.dropped.path)).toString('base64');
  const dataTransfer = await page.evaluateHandle(({ bytes, name }) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([Uint8Array.from(atob(bytes), c => c.charCodeAt(0))], name, { type: 'image/jpeg' }));
    return transfer;
  }, { bytes, name: scenario.dropped.file });
  await page.locator('#drop-zone').dispatchEvent('drop', { dataTransfer });

  log('wait for every upload to finish');
  const rows = page.locator('#uploads li.upload-row');
  await page.waitForFunction(count => {
    const all = [...document.querySelectorAll('#uploads li.upload-row')];
    return all.length >= count && all.slice(0, count).every(row => row.dataset.state === 'done' || row.dataset.state === 'failed');
  }, uploads.length, { timeout: STEP_TIMEOUT });
  const finished = await rows.evaluateAll(all => all.map(row => ({
    file: row.dataset.file, id: row.dataset.id, state: row.dataset.state, text: row.querySelector('.upload-state').textContent,
  })));
  for (const row of finished.slice(0, uploads.length)) log(`  upload ${row.file}: ${row.state}, ${row.text} (id ${row.id})`);
  await page.unroute(uploadRoute);
  // The browser logs the 429 answered here as a failed load; that one is expected.
  for (let i = problems.length - 1; i >= 0; i--)
    if (/status of 429 .*\/v1\/images/.test(problems[i])) problems.splice(i, 1);
  log(`upload requests' Idempotency-Keys: ${uploadKeys.join(' ')}`);
  check(uploadKeys.every(key => /^"[0-9a-f]{32}"$/.test(key ?? '')), 'every upload request should carry a quoted Idempotency-Key');
  check(new Set(uploadKeys).size === uploads.length, `one key per file expected, found ${new Set(uploadKeys).size} for ${uploads.length} files`);
  check(uploadKeys.length === uploads.length + 1 && uploadKeys.indexOf(uploadKeys[0], 1) > 0,
    'the upload answered 429 should have been retried with its key');

  const ids = new Map();
  for (const upload of uploads) {
    const row = finished.find(r => r.file === upload.file && !Array.from(ids.values()).includes(r.id));
    check(row && row.state === 'done' && row.id, `${upload.file}: the upload did not finish (${JSON.stringify(row)})`);
    ids.set(upload.file, row.id);
  }

  for (const upload of uploads) {
    const card = cardOf(ids.get(upload.file));
    await card.locator('.top-label .label').waitFor();
    const label = (await card.locator('.top-label .label').textContent()).trim();
    const score = (await card.locator('.top-label .score').textContent()).trim();
    const tags = await card.locator('.tags .tag').count();
    log(`  card ${upload.file}: "${label}" ${score}, ${tags} other labels`);
    check(label === upload.label, `${upload.file}: the card shows "${label}", expected.csv says "${upload.label}"`);
    check(/^\d+(\.\d)?%$/.test(score), `${upload.file}: the score "${score}" is not a percentage`);
    check(tags === 4, `${upload.file}: expected the 4 other top-5 labels as tags, found ${tags}`);
    await page.waitForFunction(id => {
      const img = document.querySelector(`#cards li.card[data-id="${id}"] img.thumbnail`);
      return img && img.complete && img.naturalWidth > 0 && img.src.startsWith('blob:');
    }, ids.get(upload.file));
    check(await card.locator('img.thumbnail').getAttribute('alt') === `${upload.file}, classified as ${upload.label}`,
      `${upload.file}: the thumbnail's alt text does not name the file and label`);
  }
  log('every card shows its expected label and a thumbnail');
  await screenshot('01-uploaded.png');

  const [kept, other] = uploads;
  log(`filter by "${kept.label}"`);
  await page.locator('#filter-label').fill(kept.label);
  await page.locator('#filter-label').press('Enter');
  await page.locator('#gallery-status').filter({ hasText: `classified as “${kept.label}”` }).waitFor();
  await cardOf(ids.get(kept.file)).waitFor();
  check(await cardOf(ids.get(other.file)).count() === 0, `${other.file} (${other.label}) should be filtered out`);
  // The filter finds images by their top label (docs/image-index.md): every card shown is classified as it.
  const shown = await page.locator('#cards li.card').evaluateAll(cards => cards.map(card => card.querySelector('.top-label .label')?.textContent));
  check(shown.every(l => l?.toLowerCase() === kept.label.toLowerCase()),
    `every card shown should be classified as "${kept.label}": ${JSON.stringify(shown)}`);
  log(`  ${shown.length} card(s) classified as "${kept.label}"`);
  await screenshot('02-filtered.png');
  await page.locator('#filter-clear').click();
  await cardOf(ids.get(other.file)).waitFor();

  const doomed = uploads[1];
  const doomedId = ids.get(doomed.file);
  log(`delete ${doomed.file} with the keyboard`);
  await cardOf(doomedId).getByRole('button', { name: `Delete ${doomed.file}` }).focus();
  await page.keyboard.press('Enter');
  await cardOf(doomedId).waitFor({ state: 'detached' });
  const focused = await page.evaluate(() => document.activeElement?.closest('#cards, .gallery') !== null);
  check(focused, 'after a delete the keyboard focus should stay in the gallery');
  // Asked with the page's own token: the image is gone for its owner, not merely hidden from others.
  // (From Node, not the page: the page's console would log the 404 as an error.)
  const { accessToken } = await page.evaluate(() => JSON.parse(sessionStorage.getItem('imagerec.auth.tokens')));
  const status = (await page.request.get(new URL(`/v1/images/${doomedId}`, scenario.url).toString(),
    { headers: { Authorization: `Bearer ${accessToken}` } })).status();
  log(`  card gone; GET /v1/images/${doomedId} answers ${status}`);
  check(status === 404, `a deleted image should be 404, got ${status}`);
  await screenshot('03-deleted.png');

  log('read the pool panel');
  await page.locator('#pool-figures').waitFor({ state: 'visible' });
  const pool = {
    name: await page.locator('#pool-name').textContent(),
    replicas: await page.locator('#pool-replicas').textContent(),
    ready: await page.locator('#pool-ready').textContent(),
    queue: await page.locator('#pool-queue').textContent(),
  };
  log(`  pool ${JSON.stringify(pool)}`);
  check(/^\d+/.test(pool.replicas) && Number.parseInt(pool.replicas, 10) >= 1, `the pool panel should show at least one replica: "${pool.replicas}"`);
  check(/^\d+ waiting$/.test(pool.queue), `the pool panel should show the queue depth: "${pool.queue}"`);
  await page.locator('.pool').screenshot({ path: path.join(scenario.screenshots, '04-pool.png') });
  log(`screenshot ${path.join(scenario.screenshots, '04-pool.png')}`);

  check(problems.length === 0, `the page logged errors:\n  ${problems.join('\n  ')}`);
  log('done');
  console.log(`RESULT ${JSON.stringify({ ids: Object.fromEntries(ids), deleted: doomedId })}`);
} catch (error) {
  log(`FAILED: ${error instanceof CheckFailed ? error.message : error.stack}`);
  if (problems.length) log(`the page logged:\n  ${problems.join('\n  ')}`);
  try {
    await screenshot('failure.png');
    log(`the page showed:\n${await page.locator('body').innerText()}`);
  } catch (inner) {
    log(`(no failure screenshot: ${inner.message})`);
  }
  process.exitCode = 1;
} finally {
  await browser.close();
}
