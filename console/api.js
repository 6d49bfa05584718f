// The service's public API, from this page's own origin. Tokens live in sessionStorage: gone with the tab.
const SESSION_KEY = 'yousync.console.session';

/** An error answer of the service, carrying its own words: {statusCode, message, error, code, detail, requestId}. */
export class ApiError extends Error {
  constructor(status, body) {
    const message = Array.isArray(body?.message) ? body.message.join('; ') : (body?.message ?? body?.detail ?? `HTTP ${status}`);
    super(message);
    this.status = status;
    this.code = body?.code ?? null;
    this.requestId = body?.requestId ?? null;
  }
}

/** What a panel shows for any failure: the service's code and message, or the browser's own. */
export function describeError(error) {
  if (error instanceof ApiError) return `${error.code ?? `HTTP ${error.status}`}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

const listeners = new Set();
let current = readSession();

function readSession() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
  } catch {
    return null;
  }
}

function writeSession(next) {
  current = next;
  if (next) sessionStorage.setItem(SESSION_KEY, JSON.stringify(next));
  else sessionStorage.removeItem(SESSION_KEY);
  for (const listener of listeners) listener(next?.user ?? null);
}

export const session = {
  get user() {
    return current?.user ?? null;
  },
  get signedIn() {
    return Boolean(current?.access_token);
  },
  /** {access_token, refresh_token, user?} as /auth/dev-login, /auth/refresh or the Google fragment give them. */
  save(tokens) {
    writeSession({ access_token: tokens.access_token, refresh_token: tokens.refresh_token, user: tokens.user ?? current?.user ?? null });
  },
  setUser(user) {
    if (current) writeSession({ ...current, user });
  },
  clear() {
    writeSession(null);
  },
  get refreshToken() {
    return current?.refresh_token ?? null;
  },
  onChange(listener) {
    listeners.add(listener);
  },
};

let refreshing = null;

/** One refresh at a time: each refresh token works once, so two at once would revoke the session. */
function refresh() {
  refreshing ??= fetch('/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refresh_token: session.refreshToken }),
  })
    .then(async (response) => {
      if (!response.ok) throw new ApiError(response.status, await bodyOf(response));
      session.save(await response.json());
    })
    .catch((error) => {
      session.clear();
      throw error;
    })
    .finally(() => (refreshing = null));
  return refreshing;
}

async function bodyOf(response) {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) return response.json().catch(() => null);
  const text = await response.text().catch(() => '');
  return { message: text.slice(0, 300) || response.statusText };
}

/**
 * A request to the API. `json` sends a JSON body, `body` anything else (FormData); `as` says how to read the
 * answer: 'json' (default), 'blob', 'text' or 'response'. An expired access token is refreshed once.
 */
export async function api(path, { method, json, body, as = 'json', retried = false } = {}) {
  const headers = {};
  if (current?.access_token) headers.authorization = `Bearer ${current.access_token}`;
  if (json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method: method ?? (json !== undefined || body !== undefined ? 'POST' : 'GET'),
    headers,
    body: json !== undefined ? JSON.stringify(json) : body,
  });
  if (response.status === 401 && session.refreshToken && !retried) {
    await refresh();
    return api(path, { method, json, body, as, retried: true });
  }
  if (!response.ok) throw new ApiError(response.status, await bodyOf(response));
  if (as === 'response') return response;
  if (response.status === 204) return null;
  if (as === 'blob') return response.blob();
  if (as === 'text') return response.text();
  return response.json();
}

/** An SSE route's URL for EventSource, which cannot send headers: a short-lived ?stream_token= when signed in. */
export async function streamUrl(path) {
  const url = new URL(path, location.origin);
  if (session.signedIn) {
    const { stream_token } = await api('/auth/stream-token', { method: 'POST' });
    url.searchParams.set('stream_token', stream_token);
  }
  return url.pathname + url.search;
}

/**
 * Follows an SSE route: `onMessage` gets unnamed events, `on[name]` named ones, each with the parsed data. A
 * handler returning true ends the stream; so does the server ending it after a final event.
 */
export async function follow(path, { onMessage, on = {}, onBroken }) {
  const source = new EventSource(await streamUrl(path));
  const handle = (handler) => (event) => {
    if (handler(JSON.parse(event.data)) === true) source.close();
  };
  if (onMessage) source.addEventListener('message', handle(onMessage));
  for (const [name, handler] of Object.entries(on)) {
    if (name === 'error') continue;
    source.addEventListener(name, handle(handler));
  }
  // `error` is both a named event a stream may send (with data) and EventSource's own signal of a broken connection.
  source.addEventListener('error', (event) => {
    if (typeof event.data === 'string' && on.error) return handle(on.error)(event);
    if (source.readyState === EventSource.CLOSED) onBroken?.();
  });
  return source;
}
