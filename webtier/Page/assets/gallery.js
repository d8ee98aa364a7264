// The caller's images, newest first: thumbnail, top label and score, other labels as tags, a label
// filter, paging and delete.

import { deleteImage, getImage, imageContent, listImages } from './api.js';
import { el, percent } from './dom.js';

const PAGE_SIZE = 24;
const QUEUED_POLL_MS = 2000;
const QUEUED_POLL_LIMIT = 60;

export function setUpGallery({ list, status, more, filterForm, filterInput, clearButton, knownLabels, heading }) {
  let label = '';
  let cursor = null;
  let loading = null;
  const thumbnails = new Map(); // id → object URL, revoked when the card goes
  const seenLabels = new Set();
  const lazily = new IntersectionObserver(entries => {
    for (const entry of entries.filter(e => e.isIntersecting)) {
      lazily.unobserve(entry.target);
      loadThumbnail(entry.target);
    }
  }, { rootMargin: '200px' });

  filterForm.addEventListener('submit', event => {
    event.preventDefault();
    filterBy(filterInput.value.trim());
  });
  clearButton.addEventListener('click', () => filterBy(''));
  more.addEventListener('click', () => load(false));

  function filterBy(value) {
    label = value;
    filterInput.value = value;
    clearButton.hidden = value === '';
    return load(true);
  }

  async function load(reset) {
    if (reset) cursor = null;
    const request = listImages({ label, cursor, limit: PAGE_SIZE });
    loading = request;
    status.textContent = 'Loading…';
    try {
      const page = await request;
      if (loading !== request) return; // a newer filter won
      if (reset) clear();
      for (const result of page.items) list.append(card(result));
      cursor = page.nextCursor ?? null;
      more.hidden = cursor === null;
      describe();
    } catch (error) {
      if (loading === request) status.textContent = `Your images could not be loaded: ${error.message}`;
    }
  }

  function describe() {
    const count = list.children.length;
    const filtered = label ? ` classified as “${label}”` : '';
    status.textContent = count === 0
      ? (label ? `No images classified as “${label}”.` : 'No images yet: upload some.')
      : `${count}${cursor ? '+' : ''} image${count === 1 ? '' : 's'}${filtered}.`;
  }

  function clear() {
    for (const url of thumbnails.values()) URL.revokeObjectURL(url);
    thumbnails.clear();
    list.replaceChildren();
  }

  function card(result) {
    const title = result.fileName || result.id;
    const top = result.labels?.[0];
    const thumbnail = el('img', {
      className: 'thumbnail',
      alt: top ? `${title}, classified as ${top.label}` : title,
      dataset: { id: result.id },
      decoding: 'async',
    });
    lazily.observe(thumbnail);
    for (const l of result.labels ?? []) remember(l.label);

    const summary = result.status === 'succeeded'
      ? el('p', { className: 'top-label' }, el('span', { className: 'label' }, top.label), ' ', el('span', { className: 'score' }, percent(top.score)))
      : el('p', { className: `state ${result.status}` }, result.status === 'failed' ? `Failed: ${result.error ?? 'unknown error'}`
        : result.status === 'awaiting-upload' ? 'Uploading…' : 'Classifying…');
    const tags = el('ul', { className: 'tags', 'aria-label': `Other labels of ${title}` },
      ...(result.labels ?? []).slice(1).map(l => el('li', {},
        el('button', { type: 'button', className: 'tag', title: `Show images classified as ${l.label}`, onclick: () => filterBy(l.label) },
          `${l.label} `, el('span', { className: 'score' }, percent(l.score))))));
    const remove = el('button', { type: 'button', className: 'delete secondary', 'aria-label': `Delete ${title}` }, 'Delete');
    const item = el('li', { className: 'card', dataset: { id: result.id, status: result.status, file: title } },
      el('article', { 'aria-label': title }, thumbnail, el('h3', { className: 'file-name' }, title), summary, tags, remove));
    remove.addEventListener('click', () => removeCard(item, result.id, title, remove));
    if (result.status === 'queued' || result.status === 'awaiting-upload') followQueued(result.id);
    return item;
  }

  async function loadThumbnail(img) {
    try {
      const url = URL.createObjectURL(await imageContent(img.dataset.id));
      if (!img.isConnected) return URL.revokeObjectURL(url);
      thumbnails.set(img.dataset.id, url);
      img.src = url;
    } catch {
      img.classList.add('missing');
    }
  }

  async function removeCard(item, id, title, button) {
    button.disabled = true;
    try {
      await deleteImage(id);
    } catch (error) {
      button.disabled = false;
      status.textContent = `${title} could not be deleted: ${error.message}`;
      return;
    }
    // Keep keyboard focus in the gallery: on the next card's delete button, or the heading.
    const next = item.nextElementSibling ?? item.previousElementSibling;
    dropCard(item, id);
    (next?.querySelector('button.delete') ?? heading).focus();
    describe();
    status.textContent = `Deleted ${title}. ${status.textContent}`;
  }

  function dropCard(item, id) {
    const url = thumbnails.get(id);
    if (url) URL.revokeObjectURL(url);
    thumbnails.delete(id);
    item.remove();
  }

  /** A result that was still queued (or awaiting its upload to S3) when listed: look again until it is done. */
  async function followQueued(id) {
    for (let i = 0; i < QUEUED_POLL_LIMIT; i++) {
      await new Promise(resolve => setTimeout(resolve, QUEUED_POLL_MS));
      if (!list.querySelector(`li[data-id="${CSS.escape(id)}"]`)) return;
      try {
        const result = await getImage(id);
        if (result.status !== 'queued' && result.status !== 'awaiting-upload') return upsert(result);
      } catch {
        return;
      }
    }
  }

  /** A new or finished result: updates its card, or adds it on top when it matches the filter. */
  function upsert(result) {
    const existing = list.querySelector(`li[data-id="${CSS.escape(result.id)}"]`);
    const matches = !label || (result.labels ?? []).some(l => l.label.toLowerCase() === label.toLowerCase());
    if (existing) {
      existing.before(card(result));
      dropCard(existing, result.id);
    } else if (matches) {
      // Ids are UUIDv7: in upload order as strings. Results arrive in any order; cards stay newest first.
      const older = [...list.children].find(item => item.dataset.id < result.id);
      list.insertBefore(card(result), older ?? null);
    }
    describe();
  }

  function remember(name) {
    if (seenLabels.has(name)) return;
    seenLabels.add(name);
    knownLabels.append(el('option', { value: name }));
  }

  return { reload: () => load(true), upsert };
}
