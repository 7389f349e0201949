// One task: what it was asked, its plan with each step's verdict, its journal as a timeline, where
// it belongs, and the controls an operator has over it.
import { api, problemText, query } from './api.js';
import { h, clear, time, statusBadge, confirmAction, announce } from './dom.js';
import { stepText, summaryOf } from './board.js';

const POLICIES = ['done_only', 'state_changes', 'silent'];

export class TaskDetail {
  constructor(root, taskId) {
    this.root = root;
    this.taskId = taskId;
    this.journal = [];
    this.afterSeq = 0;
  }

  async show() {
    clear(this.root);
    this.root.append(h('p', { className: 'loading' }, 'Loading the task…'));
    await this.reload();
  }

  async reload() {
    try {
      const task = await api(`/api/v1/tasks/${encodeURIComponent(this.taskId)}`);
      this.taskId = task.taskId;
      await this.readJournal();
      const children = task.childSessionKey
        ? (await api(`/api/v1/tasks${query({ session: task.childSessionKey, limit: 50 })}`)).items.filter((child) => child.taskId !== task.taskId)
        : [];
      this.task = task;
      this.render(task, children);
    } catch (error) {
      clear(this.root).append(
        h('p', {}, h('a', { href: '#/board' }, '← Board')),
        h('h1', {}, 'Task'),
        h('p', { className: 'error', role: 'alert' }, problemText(error)),
      );
    }
  }

  async readJournal() {
    for (;;) {
      const page = await api(`/api/v1/tasks/${this.taskId}/journal${query({ afterSeq: this.afterSeq, limit: 500 })}`);
      this.journal.push(...page.items);
      if (page.items.length === 0 || page.nextAfterSeq === this.afterSeq) return;
      this.afterSeq = page.nextAfterSeq;
      if (page.items.length < 500) return;
    }
  }

  /** An event of this task arrived: read what changed. */
  changed() {
    clearTimeout(this.pending);
    this.pending = setTimeout(() => this.reload(), 250);
  }

  render(task, children) {
    const focused = document.activeElement && this.root.contains(document.activeElement) ? document.activeElement.id : null;
    const message = this.root.querySelector('#resume-message')?.value || '';
    const comment = this.root.querySelector('#approval-comment')?.value || '';
    const step = stepText(summaryOf(task));
    clear(this.root).append(
      h('p', {}, h('a', { href: '#/board' }, '← Board')),
      h(
        'header',
        { className: 'detail-head' },
        h('h1', { id: 'task-title' }, task.label || 'Untitled task'),
        h('span', { id: 'task-status', dataset: { status: task.status } }, statusBadge(task.status)),
        step && h('span', { className: 'step' }, step),
      ),
      task.statusReason && h('p', { className: `reason status-${task.status}`, id: 'task-reason' }, task.statusReason),
      this.approval(task, comment),
      h('div', { className: 'detail-grid' }, this.facts(task, children), this.controls(task, message)),
      h('section', { 'aria-labelledby': 'goal-title' }, h('h2', { id: 'goal-title' }, 'Goal'), h('pre', { className: 'goal' }, task.goal)),
      task.terminalSummary && h('section', { 'aria-labelledby': 'summary-title' }, h('h2', { id: 'summary-title' }, 'Summary'), h('p', {}, task.terminalSummary)),
      task.error && h('section', { 'aria-labelledby': 'error-title' }, h('h2', { id: 'error-title' }, 'Error'), h('pre', {}, task.error)),
      this.plan(task),
      this.timeline(),
    );
    if (focused) document.getElementById(focused)?.focus();
  }

  facts(task, children) {
    const row = (name, value) => value !== undefined && value !== null && value !== '' && value !== false && [h('dt', {}, name), h('dd', {}, value)];
    return h(
      'section',
      { 'aria-labelledby': 'facts-title' },
      h('h2', { id: 'facts-title' }, 'Task'),
      h(
        'dl',
        { className: 'facts' },
        row('Task id', h('code', {}, task.taskId)),
        row('Runtime', task.runtime),
        row('Executor', task.executor),
        row('Attempt', String(task.attempt)),
        row('Delivery', task.deliveryStatus && task.deliveryStatus.replace('_', ' ')),
        row('Notify policy', task.notifyPolicy),
        row('Requester session', task.requesterSessionKey && h('code', {}, task.requesterSessionKey)),
        row('Child session', h('code', {}, task.childSessionKey)),
        row('Run id', task.runId && h('code', {}, task.runId)),
        row('Runner', task.runnerId),
        row('Spent', spent(task.usage, task.modelOptions && task.modelOptions.budget)),
        row('Created', time(task.createdAt)),
        row('Started', task.startedAt && time(task.startedAt)),
        row('Last event', time(task.lastEventAt)),
        row('Ended', task.endedAt && time(task.endedAt)),
        row('Parent task', task.parentTaskId && h('a', { href: `#/tasks/${task.parentTaskId}` }, task.parentTaskId)),
        row('Flow', task.parentFlowId && h('a', { href: `#/flows/${task.parentFlowId}` }, task.parentFlowId)),
        row(
          'Children',
          children.length > 0 &&
            h('ul', { className: 'links' }, children.map((child) => h('li', {}, h('a', { href: `#/tasks/${child.taskId}` }, child.label || child.taskId), ' ', statusBadge(child.status)))),
        ),
      ),
    );
  }

  /** The approval request the task waits for (with Approve and Deny), or its latest decision. */
  approval(task, comment) {
    const request = task.approval;
    if (!request) return '';
    const waiting = !request.decision && task.status === 'needs_assistance' && task.statusReason === 'approval_required';
    const feedback = h('p', { id: 'approval-feedback', className: 'feedback', role: 'alert' });
    const decide = async (path, done) => {
      feedback.className = 'feedback';
      feedback.textContent = `${done}…`;
      const text = document.getElementById('approval-comment').value.trim();
      try {
        const updated = await api(`/api/v1/tasks/${task.taskId}/${path}`, { method: 'POST', body: text ? { approval: request.number, comment: text } : { approval: request.number } });
        feedback.className = 'feedback ok';
        feedback.textContent = `${done}: the task is ${updated.status.replace('_', ' ')}.`;
        announce(feedback.textContent);
        this.changed();
      } catch (error) {
        feedback.className = 'feedback error';
        feedback.textContent = problemText(error);
      }
    };
    const row = (name, value) => value !== undefined && value !== null && value !== '' && [h('dt', {}, name), h('dd', {}, value)];
    return h(
      'section',
      { className: waiting ? 'approval waiting' : 'approval', id: 'approval', 'aria-labelledby': 'approval-title' },
      h('h2', { id: 'approval-title' }, waiting ? `Approval request ${request.number} waits for a decision` : `Approval request ${request.number}`),
      h(
        'dl',
        { className: 'facts' },
        row('Tool', h('code', { id: 'approval-tool' }, request.tool)),
        row('Arguments', h('pre', { id: 'approval-arguments' }, request.arguments || '')),
        row('Step', String(request.stepIndex + 1)),
        row('Approvers', request.approvers && request.approvers.length > 0 ? request.approvers.join(', ') : 'anyone who may change tasks'),
        row('Requested', time(request.requestedAt)),
        row('Deadline', request.deadline && [time(request.deadline), ` (then ${request.onDeadline === 'fail' ? 'the task fails' : 'the call is denied'})`]),
        row('Decision', request.decision && h('span', { id: 'approval-decision' }, `${request.decision} by ${request.decidedBy}`, request.decidedAt ? [' ', time(request.decidedAt)] : null)),
        row('Comment', request.comment),
      ),
      waiting && [
        h('label', { for: 'approval-comment' }, 'Comment (optional; the model sees it with a denial)'),
        h('textarea', { id: 'approval-comment', rows: 2 }, comment),
        h(
          'div',
          { className: 'buttons' },
          h('button', { type: 'button', id: 'approve-call', onclick: () => decide('approve', 'Approved') }, 'Approve'),
          h('button', { type: 'button', id: 'deny-call', className: 'danger', onclick: () => decide('deny', 'Denied') }, 'Deny'),
        ),
        feedback,
      ],
    );
  }

  controls(task, message) {
    const feedback = h('p', { id: 'control-feedback', className: 'feedback', role: 'alert' });
    const act = async (label, path, body, done) => {
      feedback.className = 'feedback';
      feedback.textContent = `${label}…`;
      try {
        const updated = await api(`/api/v1/tasks/${task.taskId}/${path}`, { method: path === 'notify-policy' ? 'PUT' : 'POST', body });
        feedback.className = 'feedback ok';
        feedback.textContent = `${done}: the task is ${updated.status.replace('_', ' ')}.`;
        announce(feedback.textContent);
        this.changed();
      } catch (error) {
        feedback.className = 'feedback error';
        feedback.textContent = problemText(error);
      }
    };
    const policy = h(
      'select',
      { id: 'notify-policy' },
      POLICIES.map((value) => h('option', { value, selected: value === task.notifyPolicy }, value)),
    );
    return h(
      'section',
      { className: 'controls', 'aria-labelledby': 'controls-title' },
      h('h2', { id: 'controls-title' }, 'Controls'),
      h(
        'div',
        { className: 'buttons' },
        h(
          'button',
          {
            type: 'button',
            id: 'cancel-task',
            className: 'danger',
            onclick: async () => {
              if (await confirmAction('Cancel this task?', `"${task.label || task.taskId}" stops now and its active child tasks are cancelled too. Work in progress is lost.`, 'Cancel task')) {
                act('Cancelling', 'cancel', { reason: 'cancelled from the board' }, 'Cancelled');
              }
            },
          },
          'Cancel',
        ),
        h('button', { type: 'button', id: 'pause-task', onclick: () => act('Pausing', 'pause', undefined, 'Pause requested') }, 'Pause'),
        h(
          'button',
          {
            type: 'button',
            id: 'retry-task',
            onclick: async () => {
              if (await confirmAction('Retry this task?', 'It runs again as a new attempt; the result of the last attempt is replaced.', 'Retry')) {
                act('Retrying', 'retry', undefined, 'Retried');
              }
            },
          },
          'Retry',
        ),
      ),
      h('label', { for: 'resume-message' }, 'Message for the agent (optional)'),
      h('textarea', { id: 'resume-message', rows: 3 }, message),
      h(
        'button',
        {
          type: 'button',
          id: 'resume-task',
          onclick: () => {
            const text = document.getElementById('resume-message').value.trim();
            act('Resuming', 'resume', text ? { message: text } : undefined, 'Resumed');
          },
        },
        'Resume',
      ),
      h(
        'div',
        { className: 'inline' },
        h('label', { for: 'notify-policy' }, 'Notify policy'),
        policy,
        h('button', { type: 'button', id: 'change-policy', onclick: () => act('Changing the notify policy', 'notify-policy', { notifyPolicy: policy.value }, 'Notify policy changed') }, 'Change'),
      ),
      feedback,
    );
  }

  plan(task) {
    const steps = task.plan || [];
    return h(
      'section',
      { 'aria-labelledby': 'plan-title' },
      h('h2', { id: 'plan-title' }, 'Plan'),
      steps.length === 0
        ? h('p', {}, 'No plan yet.')
        : h(
            'ol',
            { className: 'plan', id: 'plan' },
            steps.map((step) =>
              h(
                'li',
                { className: `step-${step.status}`, dataset: { step: step.index }, 'aria-current': step.index === task.currentStep && !['succeeded'].includes(task.status) ? 'step' : null },
                h('div', { className: 'step-head' }, h('strong', {}, step.description), ' ', h('span', { className: `badge step-status-${step.status}` }, step.status)),
                h('div', { className: 'done-when' }, 'Done when: ', step.doneWhen),
                step.check && h('div', { className: 'check' }, 'Check: ', h('code', {}, JSON.stringify(step.check))),
                h('div', { className: 'attempts' }, `Attempts: ${step.attempts}`),
                step.verdict && h('div', { className: 'verdict' }, 'Verdict: ', step.verdict),
              ),
            ),
          ),
    );
  }

  timeline() {
    return h(
      'section',
      { 'aria-labelledby': 'journal-title' },
      h('h2', { id: 'journal-title' }, 'Journal'),
      h(
        'ol',
        { className: 'timeline', id: 'journal' },
        this.journal.map((entry) =>
          h(
            'li',
            { className: `entry entry-${entry.type}`, dataset: { seq: entry.seq } },
            h('span', { className: 'entry-time' }, time(entry.at)),
            h('span', { className: 'entry-type' }, entry.type.replace(/_/g, ' ')),
            entry.attempt ? h('span', { className: 'entry-attempt' }, `attempt ${entry.attempt}`) : null,
            h('div', { className: 'entry-body' }, describe(entry)),
          ),
        ),
      ),
    );
  }
}

function describe(entry) {
  const p = entry.payload || {};
  const step = (index) => (index === undefined || index === null ? '' : `step ${Number(index) + 1}: `);
  switch (entry.type) {
    case 'created':
      return 'Recorded';
    case 'status_changed':
      return [`${p.from} → ${p.to}`, p.trigger ? ` (${p.trigger})` : '', p.reason ? h('div', { className: 'reason-text' }, p.reason) : null];
    case 'plan_set':
      return `Plan of ${(p.steps || []).length} steps`;
    case 'step_started':
      return `Started ${step(p.step).replace(': ', '')}`;
    case 'tool_call':
      return [
        `${step(p.step)}${p.tool}`,
        details('arguments', p.arguments),
        p.error ? h('div', { className: 'error-text' }, `error: ${text(p.error)}`) : details('result', p.result),
      ];
    case 'verdict':
      return [h('strong', { className: p.passed ? 'pass' : 'fail' }, p.passed ? 'PASS' : 'FAIL'), ` ${step(p.step)}${p.reason || ''}`, p.source ? ` (${p.source})` : ''];
    case 'progress':
      return p.summary;
    case 'operator_message':
      return [p.request || 'message', p.message ? `: ${p.message}` : ''];
    case 'approval_requested':
      return [`${step(p.step)}${p.tool} waits for approval ${p.approval}`, details('arguments', p.arguments)];
    case 'approval_decided':
      return [`approval ${p.approval} ${p.decision} by ${p.decidedBy}`, p.comment ? `: ${p.comment}` : ''];
    case 'notify_policy_changed':
      return `${p.from || ''} → ${p.to || p.notifyPolicy || ''}`;
    case 'delivery':
      return `${p.channel}: ${p.outcome}${p.reason ? ` (${p.reason})` : ''}, delivery ${p.deliveryStatus || ''}`;
    default:
      return details('details', p);
  }
}

function text(value) {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

function details(summary, value) {
  if (value === undefined || value === null || value === '') return null;
  return h('details', {}, h('summary', {}, summary), h('pre', {}, text(value)));
}

/** What the task has spent, each figure against its budget when it has one. */
function spent(usage, budget) {
  if (!usage || (usage.modelCalls === 0 && usage.toolCalls === 0 && usage.tokens === 0)) {
    return null;
  }
  const of = (used, limit) => (limit ? `${used} of ${limit}` : `${used}`);
  const b = budget || {};
  return [
    `${of(usage.tokens, b.tokens)} tokens`,
    `${of(usage.modelCalls, b.modelCalls)} model calls`,
    `${of(usage.toolCalls, b.toolCalls)} tool calls`,
    `${of(Math.round(usage.wallMillis / 1000), b.wallSeconds)} s`,
  ].join(' · ');
}
