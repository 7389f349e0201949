// The gateway's public API, with the signed-in key as the bearer token.
const KEY = 'tasklane.board.apiKey';

let onUnauthorized = () => {};

export const credentials = {
  get key() {
    return sessionStorage.getItem(KEY);
  },
  set(key) {
    sessionStorage.setItem(KEY, key);
  },
  clear() {
    sessionStorage.removeItem(KEY);
  },
  whenRefused(handler) {
    onUnauthorized = handler;
  },
};

/** A refusal, carrying the server's RFC 9457 problem. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export async function api(path, { method = 'GET', body, key = credentials.key } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (e) {
    throw new ApiError(0, { title: 'The gateway could not be reached', detail: String(e.message || e) });
  }
  const type = response.headers.get('content-type') || '';
  const data =
    response.status === 204 ? null : type.includes('json') ? await response.json() : await response.text();
  if (!response.ok) {
    const problem =
      data && typeof data === 'object' ? data : { title: response.statusText, detail: data || undefined };
    const error = new ApiError(response.status, problem);
    if (response.status === 401 && key === credentials.key) onUnauthorized(error);
    throw error;
  }
  return data;
}

export function query(parameters) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The problem of a refusal as the user reads it: title, then the server's detail. */
export function problemText(error) {
  if (!(error instanceof ApiError)) return String(error.message || error);
  const { title, detail, status } = error.problem;
  const head = title || `Refused (${error.status})`;
  return [status || error.status ? `${head} (${status || error.status})` : head, detail]
    .filter(Boolean)
    .join(': ');
}
