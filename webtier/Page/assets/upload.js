// Uploads from the file picker or dropped files: one row per file with its upload progress, then
// its result, which is handed to the gallery.

import { ApiError, getImage, newIdempotencyKey, putToStorage, requestDirectUpload, uploadImage } from './api.js';
import { el, percent } from './dom.js';

// An upload that waits for its result holds a connection for up to WAIT_SECONDS; keep some of the
// browser's six per origin free for thumbnails and the pool panel.
const MAX_PARALLEL = 3;
const WAIT_SECONDS = 20;
const POLL_INTERVAL_MS = 1000;
const POLL_LIMIT_MS = 120_000;
const RATE_LIMIT_RETRIES = 3;
const ROWS_KEPT = 20;
// Files larger than this go straight to S3 (POST /v1/uploads, then a PUT to the presigned URL): the bytes of a large
// file need not pass through the web tier, and S3 takes them faster. Smaller ones go through POST /v1/images, one
// request that can answer with the label. Only types the web tier accepts can be presigned (the type is signed).
const DIRECT_UPLOAD_BYTES = 2 * 1024 * 1024;
const DIRECT_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
const UNFINISHED = ['queued', 'awaiting-upload'];

export function setUpUploads({ input, dropZone, list, onResult }) {
  const waiting = [];
  let running = 0;

  input.addEventListener('change', () => {
    enqueue([...input.files]);
    input.value = '';
  });
  dropZone.addEventListener('dragover', event => {
    event.preventDefault();
    dropZone.classList.add('dragging');
  });
  dropZone.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
  dropZone.addEventListener('drop', event => {
    event.preventDefault();
    dropZone.classList.remove('dragging');
    enqueue([...(event.dataTransfer?.files ?? [])]);
  });

  function enqueue(files) {
    for (const file of files) waiting.push({ file, row: addRow(list, file) });
    pump();
  }

  function pump() {
    while (running < MAX_PARALLEL && waiting.length > 0) {
      const job = waiting.shift();
      running++;
      upload(job, onResult).finally(() => {
        running--;
        pump();
      });
    }
  }
}

async function upload({ file, row }, onResult) {
  try {
    let result;
    if (file.size > DIRECT_UPLOAD_BYTES && DIRECT_TYPES.includes(file.type)) {
      const granted = await respectingRateLimit(row, () => requestDirectUpload(file));
      row.identify(granted.id);
      await putToStorage(granted, file, { onProgress: fraction => row.progress(fraction) });
      row.update('classifying', 'Classifying…');
      result = await pollUntilDone(`/v1/images/${encodeURIComponent(granted.id)}`);
    } else {
      const accepted = await respectingRateLimit(row, uploadOnce(file, row));
      row.update('classifying', 'Classifying…');
      row.identify(accepted.result.id);
      result = accepted.status === 202 ? await pollUntilDone(accepted.location) : accepted.result;
    }
    if (result.status === 'succeeded') row.update('done', `${result.labels[0].label} (${percent(result.labels[0].score)})`);
    else if (result.status === 'failed') row.update('failed', result.error || 'The image could not be classified.');
    else row.update('done', 'Still queued; it will show in the gallery when done.');
    onResult(result);
  } catch (error) {
    row.update('failed', error.message);
  }
}

function uploadOnce(file, row) {
  // One key for every attempt of this file: a retry never stores the image twice.
  const idempotencyKey = newIdempotencyKey();
  return () => uploadImage(file, { wait: WAIT_SECONDS, idempotencyKey, onProgress: fraction => row.progress(fraction) });
}

async function respectingRateLimit(row, attempt) {
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 429 || tries >= RATE_LIMIT_RETRIES) throw error;
      const seconds = error.retryAfterSeconds ?? 1;
      row.update('uploading', `Busy; retrying in ${seconds} s…`);
      await delay(seconds * 1000);
    }
  }
}

// Reads the image with ?wait= (the server answers as soon as it is finished) until it is, or POLL_LIMIT_MS passed.
async function pollUntilDone(location) {
  const deadline = Date.now() + POLL_LIMIT_MS;
  const waiting = `${location}${location.includes('?') ? '&' : '?'}wait=${WAIT_SECONDS}`;
  for (;;) {
    const result = await getImage(waiting);
    if (!UNFINISHED.includes(result.status) || Date.now() > deadline) return result;
    await delay(POLL_INTERVAL_MS);
  }
}

function addRow(list, file) {
  const progress = el('progress', { max: 1, value: 0, 'aria-label': `Upload of ${file.name}` });
  const state = el('span', { className: 'upload-state' }, 'Waiting…');
  const row = el('li', { className: 'upload-row', dataset: { file: file.name, state: 'waiting' } },
    el('span', { className: 'upload-name' }, file.name), progress, state);
  list.prepend(row);
  while (list.children.length > ROWS_KEPT) list.lastElementChild.remove();
  return {
    progress(fraction) {
      progress.value = fraction;
      row.dataset.state = 'uploading';
      state.textContent = `Uploading ${percent(fraction)}`;
    },
    identify(id) {
      row.dataset.id = id;
    },
    update(name, text) {
      row.dataset.state = name;
      state.textContent = text;
      if (name !== 'uploading') progress.value = 1;
    },
  };
}

const delay = ms => new Promise(resolve => setTimeout(resolve, ms));
