// DOM helpers shared by every screen: building elements, filling selects, the page's error box.
import { ApiError } from './api.js';

/** Builds an element: el('td', {class: 'x', onclick: f}, 'text', child...). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null && value !== false)
      node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** Replaces a select's options only when they changed, so a choice in progress is kept; answers the select. */
export function fill(select, options) {
  const signature = options.map((o) => o.value + o.label).join('|');
  if (select.dataset.signature === signature) return select;
  const chosen = select.value;
  select.replaceChildren(...options.map((o) => el('option', { value: o.value }, o.label)));
  if (options.some((o) => o.value === chosen)) select.value = chosen;
  select.dataset.signature = signature;
  return select;
}

/** Redraws a container's content, keeping keyboard focus on the element with the same id. */
export function replaceKeepingFocus(container, ...children) {
  const focused =
    document.activeElement && container.contains(document.activeElement) ? document.activeElement.id : null;
  container.replaceChildren(...children);
  if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
}

const errorBox = () => document.getElementById('error');

/** Shows a refusal in words: the problem's code and detail. */
export function showError(error) {
  const box = errorBox();
  box.textContent =
    error instanceof ApiError
      ? `Refused: ${error.detail} (code ${error.code}, HTTP ${error.status})`
      : `Failed: ${error.message}`;
  box.dataset.code = error.code || '';
  box.hidden = false;
}

export function clearError() {
  errorBox().hidden = true;
  errorBox().textContent = '';
}
