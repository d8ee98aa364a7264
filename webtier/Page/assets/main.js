// Starts the page: sign-in state first (auth.js), then uploads, gallery and the pool panel.

import { initAuth, signIn, signOut } from './auth.js';
import { setUpGallery } from './gallery.js';
import { setUpPoolPanel } from './pool.js';
import { setUpUploads } from './upload.js';

const $ = id => document.getElementById(id);

function showError(text) {
  $('page-error').textContent = text;
  $('page-error').hidden = false;
}

function startApp() {
  $('app').hidden = false;
  const gallery = setUpGallery({
    list: $('cards'),
    status: $('gallery-status'),
    more: $('more'),
    filterForm: $('filter'),
    filterInput: $('filter-label'),
    clearButton: $('filter-clear'),
    knownLabels: $('known-labels'),
    heading: $('gallery-heading'),
  });
  setUpUploads({ input: $('file-input'), dropZone: $('drop-zone'), list: $('uploads'), onResult: gallery.upsert });
  setUpPoolPanel({
    figures: $('pool-figures'),
    conditions: $('pool-conditions'),
    message: $('pool-message'),
    fields: {
      name: $('pool-name'), replicas: $('pool-replicas'), ready: $('pool-ready'),
      queue: $('pool-queue'), inFlight: $('pool-in-flight'), range: $('pool-range'),
    },
  });
  gallery.reload();
}

async function start() {
  $('sign-in').addEventListener('click', () => signIn().catch(e => showError(e.message)));
  $('sign-out').addEventListener('click', () => signOut());

  let session;
  try {
    session = await initAuth();
  } catch (error) {
    $('session-text').textContent = 'Sign-in unavailable';
    showError(error.message);
    return;
  }
  if (session.error) showError(session.error);

  if (session.mode === 'none') {
    $('session-text').textContent = 'Local mode, not signed in';
    startApp();
  } else if (!session.signedIn) {
    $('session-text').textContent = 'Not signed in';
    $('sign-in').hidden = false;
    $('signed-out').hidden = false;
  } else {
    $('session-text').textContent = session.user ? `Signed in as ${session.user}` : 'Signed in';
    $('sign-out').hidden = false;
    startApp();
  }
  document.body.dataset.ready = 'true';
}

start();
