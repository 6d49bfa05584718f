// Every element is built with createElement and every text set as text: nothing from the API becomes HTML
// (the page's Content-Security-Policy also refuses every HTML sink).

/** An element: `props` are attributes, `on<event>` listeners, `class`; children are nodes or text. */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') element.className = value;
    else if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  element.append(...children.flat().filter((child) => child !== undefined && child !== null && child !== false));
  return element;
}

export const $ = (id) => document.getElementById(id);

/** Shows a panel's notice: an error (the service's words) or information; empty text hides it. */
export function notice(id, text, kind = 'error') {
  const element = $(id);
  element.textContent = text ?? '';
  element.dataset.kind = text ? kind : '';
}

export const seconds = (value) => `${Number(value).toFixed(1)} s`;

/** mm:ss.s */
export const clock = (value) => {
  const minutes = Math.floor(value / 60);
  return `${String(minutes).padStart(2, '0')}:${(value - minutes * 60).toFixed(1).padStart(4, '0')}`;
};

/** Offers a Blob as a download with this file name. */
export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Replaces an element's blob: URL source, releasing the previous one. */
export function setBlobSource(element, blob) {
  const previous = element.getAttribute('src');
  if (previous?.startsWith('blob:')) URL.revokeObjectURL(previous);
  element.src = URL.createObjectURL(blob);
}
