import { api, describeError, session } from './api.js';
import { $, notice } from './dom.js';

/** The Google redirect flow lands here as FRONTEND_URL#access_token=…&refresh_token=… (or #error=…). */
function takeFragment() {
  if (!location.hash.includes('access_token=') && !location.hash.includes('error=')) return null;
  const fragment = new URLSearchParams(location.hash.slice(1));
  // The tokens must not stay in the address bar or the history.
  history.replaceState(null, '', location.pathname + location.search);
  if (fragment.get('error')) return { error: fragment.get('error') };
  return { access_token: fragment.get('access_token'), refresh_token: fragment.get('refresh_token') };
}

function show(user) {
  $('signed-out').hidden = Boolean(user);
  $('signed-in').hidden = !user;
  $('signed-in-email').textContent = user?.email ?? '';
  $('signed-in-role').textContent = user?.role ?? '';
  $('who').textContent = user ? `signed in as ${user.email}` : 'not signed in';
}

export async function setUpSignIn() {
  session.onChange(show);
  show(session.user);

  $('dev-login').addEventListener('submit', async (event) => {
    event.preventDefault();
    notice('sign-in-notice', '');
    try {
      session.save(await api('/auth/dev-login', { json: { email: $('dev-login-email').value } }));
    } catch (error) {
      notice('sign-in-notice', `Dev login: ${describeError(error)}`);
    }
  });

  $('google-sign-in').addEventListener('click', async () => {
    notice('sign-in-notice', '');
    // Asked first without following the redirect, so an unconfigured Google shows the service's message here.
    const probe = await fetch('/auth/google', { redirect: 'manual' }).catch(() => null);
    if (probe && probe.type !== 'opaqueredirect' && !probe.ok) {
      const body = await probe.json().catch(() => null);
      notice('sign-in-notice', `Google sign-in: ${body?.code ?? probe.status}: ${body?.message ?? probe.statusText}`);
      return;
    }
    location.assign('/auth/google');
  });

  $('sign-out').addEventListener('click', async () => {
    const refreshToken = session.refreshToken;
    session.clear();
    if (refreshToken) await api('/auth/logout', { json: { refresh_token: refreshToken } }).catch(() => undefined);
  });

  const fragment = takeFragment();
  if (fragment?.error) notice('sign-in-notice', `Google sign-in: ${fragment.error}`);
  else if (fragment) session.save(fragment);
  if (session.signedIn) {
    try {
      session.setUser(await api('/auth/me'));
    } catch (error) {
      session.clear();
      notice('sign-in-notice', `Signed out: ${describeError(error)}`);
    }
  }
}
