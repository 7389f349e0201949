// The board: one lane per status that needs watching, and one for what ended recently. Lanes are
// paged (a page of cards from the API, more on request) and only the cards shown are in the DOM,
// so a tenant with thousands of active tasks stays responsive; the stream keeps them current.
import { api, query, problemText } from './api.js';
import { h, clear, age, statusBadge, announce } from './dom.js';

export const ENDED = ['succeeded', 'failed', 'timed_out', 'cancelled', 'lost'];
const RUNTIMES = ['subagent', 'acp', 'cron', 'cli'];
const PAGE = 50;
const REASON_STATUSES = new Set(['needs_assistance', 'paused', 'failed', 'timed_out', 'lost']);

const LANES = [
  { id: 'queued', title: 'Queued', statuses: ['queued'] },
  { id: 'running', title: 'Running', statuses: ['running'] },
  { id: 'needs_assistance', title: 'Needs assistance', statuses: ['needs_assistance'] },
  { id: 'paused', title: 'Paused', statuses: ['paused'] },
  { id: 'ended', title: 'Recently ended', statuses: ENDED },
];

export class Board {
  constructor(root, { onStats }) {
    this.root = root;
    this.onStats = onStats;
    this.tasks = new Map();
    this.filters = { runtime: '', label: '', session: '' };
    this.ended = new Set(ENDED);
    this.lanes = new Map(LANES.map((lane) => [lane.id, { ...lane, cursor: null, more: false, shown: PAGE, loading: false, error: null }]));
    this.dirty = new Set();
    this.refreshing = new Map();
    this.generation = 0;
    this.build();
    this.ticker = setInterval(() => this.tickAges(), 15000);
  }

  destroy() {
    clearInterval(this.ticker);
  }

  build() {
    const form = h(
      'form',
      { className: 'filters', role: 'search', 'aria-label': 'Filter tasks', onsubmit: (e) => e.preventDefault() },
      h(
        'span',
        { className: 'field' },
        h('label', { for: 'filter-runtime' }, 'Runtime'),
        h(
          'select',
          { id: 'filter-runtime', name: 'runtime', onchange: (e) => this.setFilter('runtime', e.target.value) },
          h('option', { value: '' }, 'any'),
          RUNTIMES.map((runtime) => h('option', { value: runtime }, runtime)),
        ),
      ),
      h(
        'span',
        { className: 'field' },
        h('label', { for: 'filter-label' }, 'Label'),
        h('input', { id: 'filter-label', name: 'label', type: 'search', placeholder: 'contains…', oninput: (e) => this.setFilterSoon('label', e.target.value) }),
      ),
      h(
        'span',
        { className: 'field' },
        h('label', { for: 'filter-session' }, 'Session'),
        h('input', { id: 'filter-session', name: 'session', type: 'search', placeholder: 'session key', oninput: (e) => this.setFilterSoon('session', e.target.value) }),
      ),
    );
    this.laneElements = new Map();
    const lanes = h('div', { className: 'lanes' });
    for (const lane of this.lanes.values()) {
      const count = h('span', { className: 'count', 'aria-live': 'off' });
      const list = h('ol', { className: 'cards', 'aria-labelledby': `lane-${lane.id}-title` });
      const more = h('button', { type: 'button', className: 'secondary more', hidden: true, onclick: () => this.showMore(lane.id) }, 'Show more');
      const error = h('p', { className: 'error', role: 'alert', hidden: true });
      const header = h('header', {}, h('h2', { id: `lane-${lane.id}-title` }, lane.title), count);
      const section = h('section', { className: `lane lane-${lane.id}`, dataset: { lane: lane.id }, 'aria-labelledby': `lane-${lane.id}-title` }, header);
      if (lane.id === 'ended') section.append(this.endedFilter());
      section.append(error, list, more);
      lanes.append(section);
      this.laneElements.set(lane.id, { section, list, count, more, error, cards: new Map() });
    }
    this.root.append(form, lanes);
  }

  endedFilter() {
    return h(
      'fieldset',
      { className: 'ended-filter' },
      h('legend', {}, 'Show'),
      ENDED.map((status) =>
        h(
          'label',
          { className: 'check' },
          h('input', {
            type: 'checkbox',
            name: `ended-${status}`,
            checked: true,
            onchange: (e) => {
              if (e.target.checked) this.ended.add(status);
              else this.ended.delete(status);
              this.reloadLane('ended');
            },
          }),
          status.replace('_', ' '),
        ),
      ),
    );
  }

  setFilterSoon(name, value) {
    clearTimeout(this.filterTimer);
    this.filterTimer = setTimeout(() => this.setFilter(name, value.trim()), 300);
  }

  setFilter(name, value) {
    if (this.filters[name] === value) return;
    this.filters[name] = value;
    this.reloadAll();
  }

  async reloadAll() {
    this.generation++;
    this.tasks.clear();
    for (const element of this.laneElements.values()) {
      element.cards.clear();
      clear(element.list);
    }
    await Promise.all([...this.lanes.keys()].map((id) => this.loadPage(id, true)));
  }

  reloadLane(id) {
    for (const [taskId, task] of this.tasks) {
      if (this.laneOf(task.status) === id) this.tasks.delete(taskId);
    }
    return this.loadPage(id, true);
  }

  statusesOf(lane) {
    return lane.id === 'ended' ? ENDED.filter((status) => this.ended.has(status)) : lane.statuses;
  }

  async loadPage(id, first) {
    const lane = this.lanes.get(id);
    const statuses = this.statusesOf(lane);
    const generation = this.generation;
    if (first) {
      lane.cursor = null;
      lane.shown = PAGE;
    }
    if (statuses.length === 0) {
      lane.more = false;
      this.markDirty(id);
      return;
    }
    lane.loading = true;
    try {
      const page = await api(
        `/api/v1/tasks${query({ status: statuses.join(','), limit: PAGE, cursor: first ? null : lane.cursor, ...this.filters })}`,
      );
      if (generation !== this.generation) return;
      for (const task of page.items) this.merge(task);
      lane.cursor = page.nextCursor || null;
      lane.more = Boolean(page.nextCursor);
      lane.error = null;
    } catch (error) {
      lane.error = problemText(error);
    } finally {
      lane.loading = false;
      this.markDirty(id);
    }
  }

  async showMore(id) {
    const lane = this.lanes.get(id);
    lane.shown += PAGE;
    if (this.laneTasks(id).length < lane.shown && lane.more) await this.loadPage(id, false);
    this.markDirty(id);
    announce(`Showing up to ${lane.shown} cards in ${lane.title}`);
  }

  laneOf(status) {
    for (const lane of this.lanes.values()) {
      if (lane.statuses.includes(status)) return lane.id;
    }
    return null;
  }

  visible(task) {
    const { runtime, label, session } = this.filters;
    if (runtime && task.runtime !== runtime) return false;
    if (label && !(task.label || '').toLowerCase().includes(label.toLowerCase())) return false;
    if (session && task.requesterSessionKey !== session && task.childSessionKey !== session) return false;
    if (ENDED.includes(task.status) && !this.ended.has(task.status)) return false;
    return true;
  }

  /** Takes a newer picture of a task; an older one (a page fetched before an event) is ignored. */
  merge(task) {
    const known = this.tasks.get(task.taskId);
    if (known && known.lastEventAt && task.lastEventAt && Date.parse(task.lastEventAt) < Date.parse(known.lastEventAt)) {
      return;
    }
    const merged = { ...known, ...task };
    this.tasks.set(task.taskId, merged);
    if (known && known.status !== merged.status) this.markDirty(this.laneOf(known.status));
    this.markDirty(this.laneOf(merged.status));
  }

  /** A lifecycle event from the tenant's stream. */
  event(event) {
    const data = event.data;
    if (!data || !data.taskId) return;
    const known = this.tasks.get(data.taskId);
    const task = {
      taskId: data.taskId,
      runtime: data.runtime,
      label: data.label,
      status: data.status,
      statusReason: data.statusReason,
      deliveryStatus: data.deliveryStatus,
      notifyPolicy: data.notifyPolicy,
      runId: data.runId,
      childSessionKey: data.childSessionKey,
      requesterSessionKey: data.requesterSessionKey,
      parentFlowId: data.parentFlowId,
      attempt: data.attempt,
      progressSummary: data.progressSummary,
      terminalSummary: data.terminalSummary,
      lastEventAt: event.time,
      createdAt: known ? known.createdAt : event.time,
    };
    if (!this.visible(task)) {
      if (known) {
        this.tasks.delete(data.taskId);
        this.markDirty(this.laneOf(known.status));
      }
      return;
    }
    this.merge(task);
    this.refreshSoon(data.taskId);
    if (this.onStats) this.onStats();
  }

  /**
   * The event says what changed but not the plan position: read the task once per burst of its
   * events, and only when its card is shown.
   */
  refreshSoon(taskId) {
    clearTimeout(this.refreshing.get(taskId));
    this.refreshing.set(
      taskId,
      setTimeout(async () => {
        this.refreshing.delete(taskId);
        if (!this.tasks.has(taskId) || !this.isShown(taskId)) return;
        try {
          const view = await api(`/api/v1/tasks/${taskId}`);
          if (!this.tasks.has(taskId)) return;
          this.merge(summaryOf(view));
        } catch (e) {
          /* the card keeps what the event said */
        }
      }, 400),
    );
  }

  isShown(taskId) {
    for (const element of this.laneElements.values()) {
      if (element.cards.has(taskId)) return true;
    }
    return false;
  }

  laneTasks(id) {
    const lane = this.lanes.get(id);
    const tasks = [...this.tasks.values()].filter((task) => lane.statuses.includes(task.status) && this.visible(task));
    const key = id === 'ended' ? 'lastEventAt' : 'createdAt';
    return tasks.sort((a, b) => Date.parse(b[key]) - Date.parse(a[key]) || (a.taskId < b.taskId ? 1 : -1));
  }

  markDirty(id) {
    if (!id) return;
    this.dirty.add(id);
    if (!this.frame) this.frame = requestAnimationFrame(() => this.render());
  }

  render() {
    this.frame = null;
    for (const id of this.dirty) this.renderLane(id);
    this.dirty.clear();
  }

  renderLane(id) {
    const lane = this.lanes.get(id);
    const element = this.laneElements.get(id);
    const tasks = this.laneTasks(id);
    const shown = tasks.slice(0, lane.shown);
    if (tasks.length < lane.shown && lane.more && !lane.loading && !lane.error) {
      // cards left the lane (ended, filtered out): fill it from the next page
      this.loadPage(id, false);
    }
    const more = tasks.length > shown.length || lane.more;
    const total = this.total(lane);
    element.count.textContent = total !== null ? String(total) : `${tasks.length}${lane.more ? '+' : ''}`;
    element.count.setAttribute('aria-label', total !== null ? `${total} tasks` : `${tasks.length}${lane.more ? ' or more' : ''} tasks`);
    element.more.hidden = !more;
    element.error.hidden = !lane.error;
    element.error.textContent = lane.error || '';
    const keep = new Set(shown.map((task) => task.taskId));
    for (const [taskId, card] of element.cards) {
      if (!keep.has(taskId)) {
        card.item.remove();
        element.cards.delete(taskId);
      }
    }
    let previous = null;
    for (const task of shown) {
      let card = element.cards.get(task.taskId);
      const signature = cardSignature(task);
      if (!card || card.signature !== signature) {
        const item = h('li', {}, renderCard(task));
        if (card) card.item.replaceWith(item);
        card = { item, signature };
        element.cards.set(task.taskId, card);
      }
      const expected = previous ? previous.nextSibling : element.list.firstChild;
      if (expected !== card.item) {
        if (previous) previous.after(card.item);
        else element.list.prepend(card.item);
      }
      previous = card.item;
    }
    if (shown.length === 0 && !lane.loading && !element.list.querySelector('.empty')) {
      element.list.append(h('li', { className: 'empty' }, 'Nothing here'));
    } else if (shown.length > 0) {
      element.list.querySelector('.empty')?.remove();
    }
  }

  /** The tenant's counts by status, from the stats: a lane's true size when no filter is set. */
  setTotals(byStatus) {
    this.totals = byStatus;
    for (const id of this.lanes.keys()) this.markDirty(id);
  }

  total(lane) {
    const { runtime, label, session } = this.filters;
    if (!this.totals || runtime || label || session) return null;
    const total = this.statusesOf(lane).reduce((sum, status) => sum + (this.totals[status] || 0), 0);
    // the stats lag the stream by a few seconds: never show fewer than the lane holds
    return Math.max(total, this.laneTasks(lane.id).length);
  }

  tickAges() {
    const now = Date.now();
    for (const span of this.root.querySelectorAll('[data-age]')) span.textContent = age(span.dataset.age, now);
  }
}

export function summaryOf(view) {
  return {
    taskId: view.taskId,
    runtime: view.runtime,
    label: view.label,
    status: view.status,
    statusReason: view.statusReason,
    deliveryStatus: view.deliveryStatus,
    notifyPolicy: view.notifyPolicy,
    runId: view.runId,
    childSessionKey: view.childSessionKey,
    requesterSessionKey: view.requesterSessionKey,
    parentFlowId: view.parentFlowId,
    attempt: view.attempt,
    createdAt: view.createdAt,
    lastEventAt: view.lastEventAt,
    progressSummary: view.progressSummary,
    terminalSummary: view.terminalSummary,
    currentStep: view.currentStep,
    stepCount: view.plan ? view.plan.length : 0,
  };
}

function cardSignature(task) {
  return [task.status, task.label, task.statusReason, task.deliveryStatus, task.currentStep, task.stepCount, task.runtime, task.createdAt, task.attempt].join('|');
}

export function stepText(task) {
  if (!task.stepCount) return null;
  const done = ENDED.includes(task.status) && task.status === 'succeeded';
  const k = done ? task.stepCount : Math.min(task.stepCount, (task.currentStep || 0) + 1);
  return `step ${k}/${task.stepCount}`;
}

function renderCard(task) {
  const step = stepText(task);
  const title = task.label || 'Untitled task';
  return h(
    'a',
    {
      className: `card status-${task.status}`,
      href: `#/tasks/${task.taskId}`,
      dataset: { taskId: task.taskId, status: task.status },
      'aria-label': `${title}, ${task.status.replace('_', ' ')}${step ? `, ${step}` : ''}`,
    },
    h('span', { className: 'card-title' }, title),
    h(
      'span',
      { className: 'card-meta' },
      h('span', { className: 'runtime' }, task.runtime),
      step && h('span', { className: 'step' }, step),
      h('span', { className: 'age', title: task.createdAt }, h('span', { className: 'visually-hidden' }, 'age '), h('span', { dataset: { age: task.createdAt } }, age(task.createdAt))),
      ENDED.includes(task.status) && statusBadge(task.status),
    ),
    task.deliveryStatus && task.deliveryStatus !== 'not_applicable'
      ? h('span', { className: `delivery delivery-${task.deliveryStatus}` }, `delivery: ${task.deliveryStatus.replace('_', ' ')}`)
      : null,
    REASON_STATUSES.has(task.status) && task.statusReason ? h('span', { className: 'reason' }, task.statusReason) : null,
  );
}
