// The web tier's API as the page uses it. Every call carries the caller's token (auth.js); a 401
// sends the caller back to sign-in. Failures become ApiError with the problem+json reason and detail.

import { authorization, handleUnauthorized } from './auth.js';

export class ApiError extends Error {
  constructor(status, reason, detail, retryAfterSeconds = null) {
    super(detail);
    this.status = status;
    this.reason = reason;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** One page of the caller's images, newest first: { items, nextCursor }. */
export async function listImages({ label = '', cursor = null, limit = 24 } = {}) {
  const query = new URLSearchParams({ limit: String(limit) });
  if (label) query.set('label', label);
  if (cursor) query.set('cursor', cursor);
  return (await send(`/v1/images?${query}`)).json();
}

/** A result by id, or by the Location an upload answered 202 with. */
export async function getImage(idOrLocation) {
  const path = idOrLocation.startsWith('/') ? idOrLocation : `/v1/images/${encodeURIComponent(idOrLocation)}`;
  return (await send(path)).json();
}

/** The stored image as a Blob (fetched with the token, so an <img src> alone would not do). */
export async function imageContent(id, signal) {
  return (await send(`/v1/images/${encodeURIComponent(id)}/content`, { signal })).blob();
}

export async function deleteImage(id) {
  await send(`/v1/images/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** The worker pool's replicas and queue depth. */
export async function poolStatus() {
  return (await send('/v1/pool')).json();
}

/**
 * A fresh Idempotency-Key (IETF draft-ietf-httpapi-idempotency-key-header) for one upload: send it again on
 * that upload's retries, and the server answers for the first attempt instead of storing the image twice.
 * Built from getRandomValues, since crypto.randomUUID exists only on HTTPS or localhost pages.
 */
export function newIdempotencyKey() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Uploads one image with XMLHttpRequest (fetch reports no upload progress). Resolves with
 * { status: 200, result } when the result came within `wait` seconds, or { status: 202, result, location }.
 * Pass the same `idempotencyKey` on every attempt of one upload.
 */
export function uploadImage(file, { wait = 20, idempotencyKey = null, onProgress = () => {} } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/v1/images?wait=${wait}`);
    const token = authorization();
    if (token) xhr.setRequestHeader('Authorization', token);
    xhr.setRequestHeader('Accept', 'application/json');
    if (idempotencyKey) xhr.setRequestHeader('Idempotency-Key', `"${idempotencyKey}"`);
    xhr.upload.addEventListener('progress', e => { if (e.lengthComputable) onProgress(e.loaded / e.total); });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'network', 'The upload did not reach the server.')));
    xhr.addEventListener('load', () => {
      if (xhr.status === 200 || xhr.status === 202) {
        resolve({ status: xhr.status, result: JSON.parse(xhr.responseText), location: xhr.getResponseHeader('Location') });
      } else if (xhr.status === 401) {
        handleUnauthorized().then(() => reject(unauthorized()), reject);
      } else {
        reject(problem(xhr.status, xhr.responseText, xhr.getResponseHeader('Retry-After')));
      }
    });
    const form = new FormData();
    form.append('image', file, file.name);
    xhr.send(form);
  });
}

/**
 * Asks for a presigned upload of `file` straight to S3 (POST /v1/uploads): { id, url, method, headers, expiresAt }.
 * The image then reads at GET /v1/images/{id} as 'awaiting-upload' until it is in S3.
 */
export async function requestDirectUpload(file) {
  const body = JSON.stringify({ contentType: file.type, contentLength: file.size, fileName: file.name });
  return (await send('/v1/uploads', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } })).json();
}

/**
 * PUTs `file` to a presigned URL with the headers it was signed with, by XMLHttpRequest for its progress. No
 * Authorization header: the URL carries its signature, and the token is for the web tier alone.
 */
export function putToStorage(upload, file, { onProgress = () => {} } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(upload.method, upload.url);
    for (const [name, value] of Object.entries(upload.headers ?? {})) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener('progress', e => { if (e.lengthComputable) onProgress(e.loaded / e.total); });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'network', 'The upload did not reach storage.')));
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve();
      else reject(new ApiError(xhr.status, `storage-${xhr.status}`, `Storage refused the upload (${xhr.status}).`));
    });
    xhr.send(file);
  });
}

async function send(path, init = {}) {
  const headers = new Headers(init.headers);
  const token = authorization();
  if (token) headers.set('Authorization', token);
  const response = await fetch(path, { ...init, headers });
  if (response.status === 401) {
    await handleUnauthorized();
    throw unauthorized();
  }
  if (!response.ok) throw problem(response.status, await response.text(), response.headers.get('Retry-After'));
  return response;
}

const unauthorized = () => new ApiError(401, 'unauthorized', 'Your session ended; sign in again.');

function problem(status, text, retryAfter) {
  let body = {};
  try {
    body = JSON.parse(text);
  } catch {
    // Not problem+json (a proxy's error page, say): the status alone has to do.
  }
  const seconds = Number.parseInt(retryAfter ?? '', 10);
  return new ApiError(status, body.reason ?? `http-${status}`, body.detail ?? body.title ?? `The server answered ${status}.`,
    Number.isFinite(seconds) ? seconds : null);
}
