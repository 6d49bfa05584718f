import { api, describeError, session } from './api.js';
import { $, h, notice, seconds } from './dom.js';

const PAGE_SIZE = 10;
let page = 1;
let shown = null;
let bookmarked = false;

async function search(more = false) {
  page = more ? page + 1 : 1;
  const query = new URLSearchParams({ page: String(page), limit: String(PAGE_SIZE) });
  if ($('catalog-q').value.trim()) query.set('q', $('catalog-q').value.trim());
  if ($('catalog-language').value) query.set('language', $('catalog-language').value);
  notice('catalog-notice', '');
  try {
    const result = await api(`/tokens?${query}`);
    const items = result.items.map((token) =>
      h('li', {}, h('button', { type: 'button', class: 'link', 'data-token-id': token.id, onclick: () => openToken(token.id) }, token.title),
        h('span', { class: 'meta' }, ` ${token.actor.name} · ${seconds(token.duration)} · ${token.language}`)),
    );
    if (more) $('catalog-results').append(...items);
    else $('catalog-results').replaceChildren(...items);
    $('catalog-count').textContent = `${result.total} line${result.total === 1 ? '' : 's'}`;
    $('catalog-more').hidden = result.page * result.limit >= result.total;
  } catch (error) {
    notice('catalog-notice', describeError(error));
  }
}

export async function openToken(id) {
  notice('catalog-notice', '');
  try {
    shown = await api(`/tokens/${id}`);
  } catch (error) {
    notice('catalog-notice', describeError(error));
    return;
  }
  const token = shown;
  $('token-detail').hidden = false;
  $('token-detail').dataset.tokenId = token.id;
  $('token-title').textContent = token.title;
  $('token-meta').textContent = [
    token.actor.name,
    `${seconds(token.start_time)}–${seconds(token.end_time)} of ${token.url?.title ?? 'the source video'}`,
    token.language,
    ...token.tags,
  ].join(' · ');
  $('token-script').lang = token.language;
  $('token-script').replaceChildren(
    ...token.scripts.map((script) =>
      h('p', {}, ...script.words.flatMap((word, index) => [
        index > 0 ? ' ' : null,
        h('span', { class: 'word', 'data-start': word.start_time, 'data-end': word.end_time }, word.word),
      ])),
    ),
  );
  const audio = $('token-audio');
  if (token.audio_url) audio.src = token.audio_url;
  else audio.removeAttribute('src');
  audio.hidden = !token.audio_url;
  if (!token.audio_url) notice('catalog-notice', 'This line has no clip yet.', 'info');
  await refreshBookmark();
}

async function refreshBookmark() {
  const button = $('token-bookmark');
  button.hidden = !session.signedIn || !shown;
  if (button.hidden) return;
  try {
    const bookmarks = await api('/mypage/bookmarks/');
    bookmarked = bookmarks.some((bookmark) => bookmark.token_id === shown.id);
    button.textContent = bookmarked ? 'Remove bookmark' : 'Bookmark';
    button.setAttribute('aria-pressed', String(bookmarked));
  } catch (error) {
    notice('catalog-notice', describeError(error));
  }
}

async function toggleBookmark() {
  try {
    if (bookmarked) await api(`/mypage/bookmarks/${shown.id}`, { method: 'DELETE' });
    else await api('/mypage/bookmarks/', { json: { token_id: shown.id } });
  } catch (error) {
    notice('catalog-notice', describeError(error));
  }
  document.dispatchEvent(new CustomEvent('console:bookmarks-changed'));
}

/** Marks the word being spoken (and those already said) while the clip plays. */
function followClip() {
  const audio = $('token-audio');
  let frame = 0;
  const mark = () => {
    const time = audio.currentTime;
    for (const word of $('token-script').querySelectorAll('.word')) {
      const start = Number(word.dataset.start);
      const end = Number(word.dataset.end);
      word.classList.toggle('current', time >= start && time < end);
      word.classList.toggle('said', time >= end);
    }
    if (!audio.paused && !audio.ended) frame = requestAnimationFrame(mark);
  };
  audio.addEventListener('play', () => (cancelAnimationFrame(frame), (frame = requestAnimationFrame(mark))));
  audio.addEventListener('seeked', mark);
  audio.addEventListener('ended', () => {
    cancelAnimationFrame(frame);
    for (const word of $('token-script').querySelectorAll('.word')) word.classList.remove('current');
  });
}

export function setUpCatalog() {
  $('catalog-search').addEventListener('submit', (event) => (event.preventDefault(), search()));
  $('catalog-more').addEventListener('click', () => search(true));
  $('token-bookmark').addEventListener('click', toggleBookmark);
  $('token-dub').addEventListener('click', () => {
    document.dispatchEvent(new CustomEvent('console:dub', { detail: shown }));
    $('panel-dub').scrollIntoView({ behavior: 'smooth' });
  });
  document.addEventListener('console:open-token', (event) => openToken(event.detail));
  document.addEventListener('console:bookmarks-changed', refreshBookmark);
  session.onChange(refreshBookmark);
  followClip();
  return search();
}
