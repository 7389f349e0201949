// The board's entry point: sign-in, the views (board, task, flow, operations) by URL fragment, and
// the one event stream that keeps every view live.
import { api, credentials, problemText, ApiError } from './api.js';
import { h, clear } from './dom.js';
import { EventStream } from './stream.js';
import { Board } from './board.js';
import { TaskDetail } from './detail.js';
import { renderStats } from './chart.js';
import { showOperations, showFlow } from './operations.js';

const main = document.getElementById('main');
const top = document.getElementById('top');
const streamState = document.getElementById('stream-state');

let stream = null;
let board = null;
let boardView = null;
let statsView = null;
let otherView = null;
let detail = null;
let statsTimer = null;

credentials.whenRefused(() => signOut('The gateway no longer accepts this key. Sign in again.'));
document.getElementById('sign-out').addEventListener('click', () => signOut());
window.addEventListener('hashchange', route);

start();

async function start() {
  if (!credentials.key) {
    signInScreen();
    return;
  }
  try {
    await api('/api/v1/tasks?limit=1');
    await signedIn();
  } catch (error) {
    credentials.clear();
    signInScreen(refusal(error));
  }
}

function refusal(error) {
  if (error instanceof ApiError && error.status === 401) {
    return `This API key was not accepted. ${error.problem.detail || ''}`.trim();
  }
  if (error instanceof ApiError && error.status === 403) {
    return `This API key may not read tasks. ${error.problem.detail || ''}`.trim();
  }
  return problemText(error);
}

function signInScreen(message) {
  top.hidden = true;
  document.title = 'Sign in · Tasklane board';
  const error = h('p', { id: 'sign-in-error', className: 'error', role: 'alert', hidden: !message }, message || '');
  const input = h('input', {
    id: 'api-key',
    name: 'api-key',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'api-key-hint sign-in-error',
  });
  const form = h(
    'form',
    { className: 'sign-in', id: 'sign-in', 'aria-labelledby': 'sign-in-title', novalidate: true },
    h('h1', { id: 'sign-in-title' }, 'Tasklane board'),
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h('p', { id: 'api-key-hint', className: 'hint' }, 'The key stays in this browser tab only and is sent to the gateway as a bearer token.'),
    error,
    h('button', { type: 'submit', id: 'sign-in-button' }, 'Sign in'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) {
      error.hidden = false;
      error.textContent = 'Enter an API key to sign in.';
      input.focus();
      return;
    }
    error.hidden = true;
    try {
      await api('/api/v1/tasks?limit=1', { key });
      credentials.set(key);
      input.value = '';
      if (!location.hash || location.hash === '#/sign-in') history.replaceState(null, '', '#/board');
      await signedIn();
    } catch (e) {
      error.hidden = false;
      error.textContent = refusal(e);
      input.select();
    }
  });
  clear(main).append(form);
  input.focus();
}

async function signedIn() {
  top.hidden = false;
  clear(main);
  statsView = h('section', { className: 'stats', id: 'stats', 'aria-labelledby': 'stats-title' });
  boardView = h('div', { id: 'board', className: 'view' }, h('h1', { className: 'visually-hidden' }, 'Board'), statsView);
  otherView = h('div', { id: 'view', className: 'view', hidden: true });
  main.append(boardView, otherView);
  board = new Board(boardView, { onStats: refreshStatsSoon });
  stream = new EventStream({
    key: credentials.key,
    onEvent: (event) => {
      board.event(event);
      if (detail && event.data && event.data.taskId === detail.taskId) detail.changed();
    },
    onState: (state) => {
      streamState.textContent = { live: 'Live', reconnecting: 'Reconnecting…', refused: 'Not live' }[state];
      streamState.dataset.state = state;
    },
    onRefused: (status) => {
      if (status === 401) signOut('The gateway no longer accepts this key. Sign in again.');
    },
  });
  // Open the stream first: every change after the first page is read arrives on it.
  await stream.start();
  if (!board) return;
  await board.reloadAll();
  refreshStats();
  route();
}

function signOut(message) {
  if (stream) stream.stop();
  if (board) board.destroy();
  stream = board = detail = null;
  clearTimeout(statsTimer);
  credentials.clear();
  streamState.textContent = '';
  history.replaceState(null, '', '#/sign-in');
  signInScreen(message);
}

async function refreshStats() {
  try {
    const stats = await api('/api/v1/stats');
    renderStats(statsView, stats);
    if (board) board.setTotals(stats.byStatus || {});
  } catch (error) {
    clear(statsView).append(h('h2', { id: 'stats-title' }, 'Last hour'), h('p', { className: 'error' }, problemText(error)));
  }
}

/** Stats follow the events, at most every few seconds. */
function refreshStatsSoon() {
  if (statsTimer) return;
  statsTimer = setTimeout(() => {
    statsTimer = null;
    if (board) refreshStats();
  }, 3000);
}

function route() {
  if (!board) return;
  const hash = location.hash || '#/board';
  const [, view, id] = hash.match(/^#\/([a-z-]+)(?:\/(.+))?$/) || [];
  detail = null;
  for (const link of document.querySelectorAll('[data-nav]')) {
    link.toggleAttribute('aria-current', link.dataset.nav === (view === 'tasks' ? 'board' : view === 'flows' ? 'operations' : view));
    if (link.hasAttribute('aria-current')) link.setAttribute('aria-current', 'page');
  }
  if (!view || view === 'board' || view === 'sign-in') {
    otherView.hidden = true;
    boardView.hidden = false;
    document.title = 'Board · Tasklane';
    return;
  }
  boardView.hidden = true;
  otherView.hidden = false;
  clear(otherView);
  main.focus({ preventScroll: true });
  if (view === 'tasks' && id) {
    document.title = 'Task · Tasklane';
    detail = new TaskDetail(otherView, decodeURIComponent(id));
    detail.show();
  } else if (view === 'flows' && id) {
    document.title = 'Flow · Tasklane';
    showFlow(otherView, decodeURIComponent(id));
  } else if (view === 'operations') {
    document.title = 'Operations · Tasklane';
    showOperations(otherView);
  } else {
    otherView.append(h('p', {}, 'No such view. ', h('a', { href: '#/board' }, 'Back to the board')));
  }
}
