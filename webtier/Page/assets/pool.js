// The worker pool panel: replicas and queue depth from GET /v1/pool, refreshed every few seconds
// while the page is visible.

import { poolStatus } from './api.js';
import { el } from './dom.js';

const REFRESH_MS = 5000;

/** Ready and QueueReachable are good when True; Scaling only says whether the pool is resizing. */
function tone(condition) {
  if (condition.type === 'Scaling' || condition.status === 'Unknown') return 'neutral';
  return condition.status === 'True' ? 'good' : 'bad';
}

export function setUpPoolPanel({ figures, conditions, message, fields }) {
  let timer = null;

  async function refresh() {
    clearTimeout(timer);
    try {
      show(await poolStatus());
    } catch (error) {
      figures.hidden = true;
      conditions.replaceChildren();
      message.textContent = `Pool status unavailable: ${error.message}`;
      message.dataset.state = 'unavailable';
    }
    if (!document.hidden) timer = setTimeout(refresh, REFRESH_MS);
  }

  function show(pool) {
    fields.name.textContent = pool.name;
    fields.replicas.textContent = `${pool.replicas}` + (pool.desiredReplicas !== pool.replicas ? ` (scaling to ${pool.desiredReplicas})` : '');
    fields.ready.textContent = `${pool.readyReplicas} of ${pool.replicas}`;
    fields.queue.textContent = `${pool.queueDepth} waiting`;
    fields.inFlight.textContent = `${pool.queueInFlight}`;
    fields.range.textContent = `${pool.minReplicas} and ${pool.maxReplicas} workers`;
    conditions.replaceChildren(...pool.conditions.map(c => el('li', {
      className: `condition ${tone(c)}`,
      title: c.message,
    }, `${c.type}: ${c.status}${c.reason ? ` (${c.reason})` : ''}`)));
    figures.hidden = false;
    message.textContent = `Updated ${new Date().toLocaleTimeString()}.`;
    message.dataset.state = 'ok';
  }

  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) refresh();
    else clearTimeout(timer);
  });
  refresh();
}
