import { api, describeError, session } from './api.js';
import { $, h, notice } from './dom.js';

const open = (tokenId) => () => {
  document.dispatchEvent(new CustomEvent('console:open-token', { detail: tokenId }));
  $('panel-catalog').scrollIntoView({ behavior: 'smooth' });
};

async function load() {
  notice('mypage-notice', '');
  if (!session.signedIn) {
    $('mypage-bookmarks').replaceChildren();
    $('mypage-dubbed').replaceChildren();
    $('mypage-averages').textContent = '';
    notice('mypage-notice', 'Sign in to see your bookmarks and your dubbed lines.', 'info');
    return;
  }
  try {
    const overview = await api('/mypage/overview');
    $('mypage-averages').textContent = overview.averages.count
      ? `${overview.averages.count} analyses, average overall ${overview.averages.overall === null ? "–" : Math.round(overview.averages.overall)}`
      : 'No completed analysis yet';
    $('mypage-bookmarks').replaceChildren(
      ...(overview.bookmarks.length ? overview.bookmarks.map((bookmark) =>
        h('li', { 'data-token-id': bookmark.token_id },
          h('button', { type: 'button', class: 'link', onclick: open(bookmark.token_id) }, bookmark.token.title),
          h('span', { class: 'meta' }, ` ${bookmark.token.actor.name} `),
          h('button', { type: 'button', class: 'small', onclick: () => removeBookmark(bookmark.token_id) }, 'Remove'))) : [h('li', { class: 'meta' }, 'None yet')]),
    );
    $('mypage-dubbed').replaceChildren(
      ...(overview.dubbed_tokens.length ? overview.dubbed_tokens.map((dubbed) =>
        h('li', { 'data-token-id': dubbed.token.id },
          h('button', { type: 'button', class: 'link', onclick: open(dubbed.token.id) }, dubbed.token.title),
          h('span', { class: 'meta' }, ` ${dubbed.attempts} attempt${dubbed.attempts === 1 ? '' : 's'}, best ${dubbed.best_overall === null ? '–' : Math.round(dubbed.best_overall)}, latest ${dubbed.latest.status} `),
          h('button', { type: 'button', class: 'small danger', onclick: () => deleteResults(dubbed.token.id) }, 'Delete my results'))) : [h('li', { class: 'meta' }, 'None yet')]),
    );
  } catch (error) {
    notice('mypage-notice', describeError(error));
  }
}

async function removeBookmark(tokenId) {
  try {
    await api(`/mypage/bookmarks/${tokenId}`, { method: 'DELETE' });
  } catch (error) {
    notice('mypage-notice', describeError(error));
  }
  document.dispatchEvent(new CustomEvent('console:bookmarks-changed'));
}

async function deleteResults(tokenId) {
  try {
    const deleted = await api(`/mypage/tokens/${tokenId}/my-results`, { method: 'DELETE' });
    await load();
    notice('mypage-notice', `Deleted ${deleted.deleted} result${deleted.deleted === 1 ? '' : 's'}: you can dub this line afresh.`, 'info');
  } catch (error) {
    notice('mypage-notice', describeError(error));
  }
}

export function setUpMypage() {
  $('mypage-refresh').addEventListener('click', load);
  document.addEventListener('console:bookmarks-changed', load);
  document.addEventListener('console:dubbed', load);
  session.onChange(load);
  return load();
}
