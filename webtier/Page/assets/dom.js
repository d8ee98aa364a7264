// Builds elements without HTML strings (the page's CSP enforces Trusted Types, so innerHTML is off).

/** el('li', { className: 'card', dataset: { id } }, child, 'text', …) */
export function el(tag, properties = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(properties)) {
    if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name.startsWith('aria-')) element.setAttribute(name, value);
    else element[name] = value;
  }
  element.append(...children.filter(child => child !== null && child !== undefined && child !== false));
  return element;
}

/** 0.8734 → "87%", 0.004 → "0.4%", 0.0002 → "<0.1%" */
export function percent(score) {
  const value = score * 100;
  if (value > 0 && value < 0.05) return '<0.1%';
  return `${value >= 10 ? value.toFixed(0) : value.toFixed(1)}%`;
}
