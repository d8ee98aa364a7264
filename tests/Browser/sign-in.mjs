// The page's sign-in in headless Chromium: OpenID Connect authorization code with PKCE, the token
// kept in sessionStorage and sent as a bearer token, a 401 sending the person back to sign-in, and
// sign-out through the provider's end-session endpoint.
//
//   node tests/Browser/sign-in.mjs scenario.json
//
// scenario.json: { "url": page, "provider": the OpenID provider's issuer, "user": a username,
//                  "screenshots": folder }. The provider's sign-in page has a `username` input and
// a submit button. Prints one line per step; exits 1 on the first failed check.

import path from 'node:path';
import { check, reportFailure, signInAtProvider as signIn, start } from './harness.mjs';

const { scenario, log, browser, page } = await start('sign-in', { height: 800 });
page.setDefaultTimeout(30_000);
const problems = [];
page.on('pageerror', error => problems.push(`page error: ${error.message}`));
const pageOrigin = new URL(scenario.url).origin;
page.on('console', message => {
  // The page's own errors only (not the provider's missing favicon); 401 and the pool's 503 are
  // answers the page handles.
  if (message.type() !== 'error' || new URL(message.location().url || page.url()).origin !== pageOrigin || /status of (401|503)/.test(message.text())) return;
  problems.push(`console: ${message.text()} (${message.location().url})`);
});

const sessionText = () => page.locator('#session-text').textContent();
const signInAtProvider = () => signIn(page, scenario, log);

// Every request the browser sends to the provider, to see that sign-out went through end_session.
const providerOrigin = new URL(scenario.provider).origin;
const providerRequests = [];
page.on('request', request => { if (new URL(request.url()).origin === providerOrigin) providerRequests.push(new URL(request.url())); });

// Sign-in flows the page starts (its PKCE state written to sessionStorage), counted across navigations:
// several API calls refused at once must start one flow, or the flows' states overwrite each other.
let flowsStarted = 0;
await page.exposeFunction('recordSignInFlow', () => { flowsStarted++; });
await page.addInitScript(() => {
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (key, value) {
    if (key === 'imagerec.auth.flow') globalThis.recordSignInFlow();
    return setItem.call(this, key, value);
  };
});

try {
  log(`open ${scenario.url}`);
  await page.goto(scenario.url);
  await page.locator('body[data-ready="true"]').waitFor();
  check(await sessionText() === 'Not signed in', `before sign-in the page should say "Not signed in", not "${await sessionText()}"`);
  check(await page.locator('#app').isHidden(), 'before sign-in the uploads and gallery are hidden');

  log('sign in');
  await page.locator('#sign-in').click();
  await signInAtProvider();
  log(`  back on the page: "${await sessionText()}"`);
  check(await sessionText() === `Signed in as ${scenario.user}`, `the page should say "Signed in as ${scenario.user}"`);
  check(new URL(page.url()).search === '', `the code must not stay in the address bar: ${page.url()}`);
  await page.locator('#gallery-status').filter({ hasText: 'No images yet' }).waitFor();
  const storage = await page.evaluate(() => ({ session: Object.keys(sessionStorage), local: Object.keys(localStorage) }));
  log(`  storage ${JSON.stringify(storage)}`);
  check(storage.session.includes('imagerec.auth.tokens') && storage.local.length === 0, 'tokens belong in sessionStorage, never localStorage');
  await page.screenshot({ path: path.join(scenario.screenshots, 'sign-in-01-signed-in.png') });

  log('spoil the token: the next API call is refused with 401');
  await page.evaluate(() => {
    const tokens = JSON.parse(sessionStorage.getItem('imagerec.auth.tokens'));
    sessionStorage.setItem('imagerec.auth.tokens', JSON.stringify({ ...tokens, accessToken: 'spoiled', obtainedAt: 0 }));
  });
  flowsStarted = 0;
  await page.reload();
  await signInAtProvider();
  check(await sessionText() === `Signed in as ${scenario.user}`, `after signing in again the page should say "Signed in as ${scenario.user}"`);
  log(`  sign-in flows started by the refused calls: ${flowsStarted}`);
  check(flowsStarted === 1, `the calls refused on one page load should start one sign-in flow, not ${flowsStarted}`);
  await page.locator('#gallery-status').filter({ hasText: 'No images yet' }).waitFor();
  log('  signed in again');

  log('sign out');
  await page.locator('#sign-out').click();
  await page.waitForURL(url => url.origin === pageOrigin);
  await page.locator('body[data-ready="true"]').waitFor();
  check(await sessionText() === 'Not signed in', `after sign-out the page should say "Not signed in", not "${await sessionText()}"`);
  check(await page.evaluate(() => sessionStorage.length) === 0, 'sign-out clears the session');
  const endSession = providerRequests.find(u => u.pathname === '/logout');
  log(`  end-session request: ${endSession ?? 'none'}`);
  check(endSession?.searchParams.get('id_token_hint') && endSession.searchParams.get('client_id'),
    'sign-out must go through the provider\'s end_session_endpoint with id_token_hint and client_id');
  await page.screenshot({ path: path.join(scenario.screenshots, 'sign-in-02-signed-out.png') });

  check(problems.length === 0, `the page logged errors:\n  ${problems.join('\n  ')}`);
  log('done');
} catch (error) {
  await reportFailure(error, { page, scenario, log, name: 'sign-in', problems });
} finally {
  await browser.close();
}
