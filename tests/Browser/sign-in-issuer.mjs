// RFC 9207 in headless Chromium: the page refuses a sign-in answer that names another issuer, or none
// although the provider's discovery says it always names itself, and says so on the page without
// redeeming the code. The provider's real answer (its redirect back to the page, with a real code) is
// rewritten on its way to the browser; untouched, the same answer signs in.
//
//   node tests/Browser/sign-in-issuer.mjs scenario.json
//
// scenario.json: as for sign-in.mjs. Prints one line per step; exits 1 on the first failed check.

import path from 'node:path';
import { check, reportFailure, signInAtProvider, start } from './harness.mjs';

const { scenario, log, browser, page } = await start('sign-in-issuer', { height: 800 });
page.setDefaultTimeout(30_000);
const providerOrigin = new URL(scenario.provider).origin;
const sessionText = () => page.locator('#session-text').textContent();

// Code redemptions: a refused answer must not get that far.
const tokenRequests = [];
page.on('request', request => { if (request.url() === `${providerOrigin}/token`) tokenRequests.push(request.method()); });

// The provider answers the sign-in form with a redirect to the page; `rewrite` edits its query.
let rewrite = null;
await page.route(`${providerOrigin}/authorize`, async route => {
  if (route.request().method() !== 'POST' || rewrite === null) return route.continue();
  const response = await route.fetch({ maxRedirects: 0 });
  const location = new URL(response.headers().location);
  rewrite(location.searchParams);
  await route.fulfill({ response, headers: { ...response.headers(), location: location.toString() } });
});

async function signInWith(change) {
  rewrite = change;
  await page.goto(scenario.url);
  await page.locator('body[data-ready="true"]').waitFor();
  await page.locator('#sign-in').click();
  await signInAtProvider(page, scenario, log);
}

async function expectRefused(name, change, expected) {
  log(`an answer with ${name}`);
  await signInWith(change);
  const error = page.locator('#page-error');
  const text = await error.isVisible() ? await error.textContent() : '(no message shown)';
  log(`  the page says: ${text}`);
  check(text.includes(expected), `the page should refuse the answer with a message containing "${expected}", not "${text}"`);
  check(await sessionText() === 'Not signed in', `the page should stay signed out, not say "${await sessionText()}"`);
  check(tokenRequests.length === 0, `the code must not be redeemed, but the page sent ${tokenRequests.length} token requests`);
  check(await page.evaluate(() => sessionStorage.getItem('imagerec.auth.tokens')) === null, 'no tokens may be kept');
  check(new URL(page.url()).search === '', `the refused code must not stay in the address bar: ${page.url()}`);
}

try {
  await expectRefused('another issuer', params => params.set('iss', 'https://mix-up.example'),
    `Sign-in refused: the answer comes from the issuer "https://mix-up.example", not from "${scenario.provider}"`);
  await page.screenshot({ path: path.join(scenario.screenshots, 'sign-in-issuer-01-refused.png') });
  await expectRefused('no issuer', params => params.delete('iss'), 'Sign-in refused: the answer does not name its issuer (iss)');

  log('the provider\'s own answer, untouched');
  await signInWith(null);
  check(await sessionText() === `Signed in as ${scenario.user}`, `the page should say "Signed in as ${scenario.user}", not "${await sessionText()}"`);
  check(tokenRequests.length === 1, `one code redemption expected, saw ${tokenRequests.length}`);
  log('done');
} catch (error) {
  await reportFailure(error, { page, scenario, log, name: 'sign-in-issuer' });
} finally {
  await browser.close();
}
