// What an operator checks beyond the board: the tool calls waiting for approval, the audit, a maintenance pass (preview, then apply),
// flows with their tasks, and cron jobs.
import { api, problemText, query } from './api.js';
import { h, clear, age, time, statusBadge, confirmAction, announce } from './dom.js';

export async function showOperations(root) {
  clear(root).append(h('h1', {}, 'Operations'));
  const approvals = section(root, 'approvals', 'Pending approvals');
  const audit = section(root, 'audit', 'Audit');
  const maintenance = section(root, 'maintenance', 'Maintenance');
  const flows = section(root, 'flows', 'Flows');
  const cron = section(root, 'cron', 'Cron jobs');
  maintenanceControls(maintenance);
  await Promise.all([loadApprovals(approvals), loadAudit(audit), loadFlows(flows), loadCron(cron)]);
}

function section(root, id, title) {
  const body = h('div', { className: 'section-body' });
  root.append(h('section', { className: 'ops', id: `ops-${id}`, 'aria-labelledby': `ops-${id}-title` }, h('h2', { id: `ops-${id}-title` }, title), body));
  return body;
}

function failure(body, error) {
  clear(body).append(h('p', { className: 'error', role: 'alert' }, problemText(error)));
}

async function loadApprovals(body) {
  try {
    const page = await api('/api/v1/approvals?limit=100');
    clear(body).append(
      page.items.length === 0
        ? h('p', {}, 'No tool call waits for approval.')
        : h(
            'table',
            { className: 'approvals' },
            h('thead', {}, h('tr', {}, ['Task', 'Request', 'Tool', 'Arguments', 'Approvers', 'Waiting', 'Deadline'].map((name) => h('th', { scope: 'col' }, name)))),
            h(
              'tbody',
              {},
              page.items.map((item) =>
                h(
                  'tr',
                  {},
                  h('td', {}, h('a', { href: `#/tasks/${item.taskId}` }, item.label || `task ${item.taskId.slice(0, 8)}`)),
                  h('td', {}, `#${item.approval.number}`),
                  h('td', {}, h('code', {}, item.approval.tool)),
                  h('td', {}, h('code', {}, item.approval.arguments || '')),
                  h('td', {}, item.approval.approvers && item.approval.approvers.length > 0 ? item.approval.approvers.join(', ') : 'anyone'),
                  h('td', {}, age(item.approval.requestedAt)),
                  h('td', {}, time(item.approval.deadline)),
                ),
              ),
            ),
          ),
    );
  } catch (error) {
    failure(body, error);
  }
}

async function loadAudit(body) {
  try {
    const report = await api('/api/v1/audit?limit=100');
    const { summary } = report;
    clear(body).append(
      h('p', {}, `${summary.total} findings`, Object.entries(summary.bySeverity).map(([severity, count]) => h('span', { className: `badge severity-${severity}` }, `${severity} ${count}`))),
      report.findings.length === 0
        ? h('p', {}, 'Nothing to report.')
        : h(
            'table',
            { className: 'findings' },
            h('thead', {}, h('tr', {}, ['Severity', 'Code', 'Age', 'Task or flow', 'Detail'].map((name) => h('th', { scope: 'col' }, name)))),
            h(
              'tbody',
              {},
              report.findings.map((finding) =>
                h(
                  'tr',
                  {},
                  h('td', {}, h('span', { className: `badge severity-${finding.severity}` }, finding.severity)),
                  h('td', {}, h('code', {}, finding.code)),
                  h('td', {}, age(finding.since)),
                  h('td', {}, finding.taskId ? h('a', { href: `#/tasks/${finding.taskId}` }, `task ${finding.taskId.slice(0, 8)}`) : finding.flowId ? h('a', { href: `#/flows/${finding.flowId}` }, `flow ${finding.flowId.slice(0, 8)}`) : ''),
                  h('td', {}, finding.detail || ''),
                ),
              ),
            ),
          ),
    );
  } catch (error) {
    failure(body, error);
  }
}

function maintenanceControls(body) {
  const result = h('div', { id: 'maintenance-result', 'aria-live': 'polite' });
  const apply = h('button', { type: 'button', id: 'maintenance-apply', className: 'danger', disabled: true }, 'Apply');
  const preview = h('button', { type: 'button', id: 'maintenance-preview' }, 'Preview');
  const run = async (applyIt) => {
    try {
      const report = await api(`/api/v1/maintenance${applyIt ? '?apply=true' : ''}`, { method: 'POST' });
      clear(result).append(maintenanceReport(report));
      apply.disabled = applyIt;
      announce(applyIt ? 'Maintenance applied' : 'Maintenance preview ready');
    } catch (error) {
      clear(result).append(h('p', { className: 'error', role: 'alert' }, problemText(error)));
    }
  };
  preview.addEventListener('click', () => run(false));
  apply.addEventListener('click', async () => {
    if (await confirmAction('Apply maintenance?', 'Tasks are reconciled and recovered, cleanup times stamped and expired records pruned, as the preview shows.', 'Apply')) run(true);
  });
  body.append(h('p', {}, 'Preview what a maintenance pass would change, then apply it.'), h('div', { className: 'buttons' }, preview, apply), result);
}

function maintenanceReport(report) {
  const verb = report.mode === 'apply' ? 'Changed' : 'Would change';
  return h(
    'div',
    { className: `maintenance-${report.mode}` },
    h('p', {}, h('strong', {}, `${verb}: `), `reconciled ${report.reconciled}, recovered ${report.recovered}, cleanup stamped ${report.cleanupStamped}, pruned ${report.pruned}`),
    report.actions.length > 0 &&
      h('ul', {}, report.actions.slice(0, 100).map((a) => h('li', {}, h('code', {}, a.action), ' ', a.taskId ? h('a', { href: `#/tasks/${a.taskId}` }, a.taskId.slice(0, 8)) : '', a.flowId ? h('a', { href: `#/flows/${a.flowId}` }, a.flowId.slice(0, 8)) : '', a.detail ? ` ${a.detail}` : ''))),
    report.explanations.length > 0 &&
      h('ul', { className: 'explanations' }, report.explanations.map((e) => h('li', {}, h('code', {}, e.code), ` ${e.findings}: ${e.fixedByMaintenance ? 'fixed' : 'left alone'} — ${e.how}`))),
  );
}

async function loadFlows(body) {
  try {
    const flows = await api('/api/v1/flows?limit=50');
    clear(body).append(
      flows.length === 0
        ? h('p', {}, 'No flows.')
        : h(
            'table',
            {},
            h('thead', {}, h('tr', {}, ['Flow', 'Status', 'Updated', 'Blocked on'].map((name) => h('th', { scope: 'col' }, name)))),
            h(
              'tbody',
              {},
              flows.map((flow) =>
                h(
                  'tr',
                  {},
                  h('td', {}, h('a', { href: `#/flows/${flow.flowId}` }, flow.goal)),
                  h('td', {}, statusBadge(flow.status)),
                  h('td', {}, age(flow.updatedAt)),
                  h('td', {}, flow.blockedTaskId ? h('a', { href: `#/tasks/${flow.blockedTaskId}` }, flow.blockedSummary || flow.blockedTaskId) : ''),
                ),
              ),
            ),
          ),
    );
  } catch (error) {
    failure(body, error);
  }
}

async function loadCron(body) {
  try {
    const jobs = await api('/api/v1/cron-jobs');
    clear(body).append(
      jobs.length === 0
        ? h('p', {}, 'No cron jobs.')
        : h(
            'table',
            {},
            h('thead', {}, h('tr', {}, ['Name', 'Schedule', 'Next firing', 'Last task', 'Firings', 'Enabled'].map((name) => h('th', { scope: 'col' }, name)))),
            h(
              'tbody',
              {},
              jobs.map((job) => {
                const toggle = h(
                  'button',
                  { type: 'button', className: 'secondary', 'aria-label': `${job.enabled ? 'Disable' : 'Enable'} ${job.name}` },
                  job.enabled ? 'Disable' : 'Enable',
                );
                toggle.addEventListener('click', async () => {
                  try {
                    await api(`/api/v1/cron-jobs/${job.cronJobId}/${job.enabled ? 'disable' : 'enable'}`, { method: 'POST' });
                    await loadCron(body);
                  } catch (error) {
                    body.prepend(h('p', { className: 'error', role: 'alert' }, problemText(error)));
                  }
                });
                return h(
                  'tr',
                  {},
                  h('td', {}, job.name),
                  h('td', {}, h('code', {}, job.cronExpression), ` ${job.timeZone || 'UTC'}`),
                  h('td', {}, job.enabled && job.nextFireAt ? time(job.nextFireAt) : '—'),
                  h('td', {}, job.lastTaskId ? h('a', { href: `#/tasks/${job.lastTaskId}` }, age(job.lastFiredAt)) : '—'),
                  h('td', {}, String(job.firings)),
                  h('td', {}, job.enabled ? 'yes ' : 'no ', toggle),
                );
              }),
            ),
          ),
    );
  } catch (error) {
    failure(body, error);
  }
}

export async function showFlow(root, flowId) {
  clear(root).append(h('p', {}, h('a', { href: '#/operations' }, '← Operations')), h('p', {}, 'Loading the flow…'));
  try {
    const flow = await api(`/api/v1/flows/${encodeURIComponent(flowId)}`);
    clear(root).append(
      h('p', {}, h('a', { href: '#/operations' }, '← Operations')),
      h('header', { className: 'detail-head' }, h('h1', {}, flow.goal), statusBadge(flow.status)),
      h(
        'dl',
        { className: 'facts' },
        h('dt', {}, 'Flow id'),
        h('dd', {}, h('code', {}, flow.flowId)),
        h('dt', {}, 'Revision'),
        h('dd', {}, String(flow.revision)),
        h('dt', {}, 'Current step'),
        h('dd', {}, String(flow.currentStep)),
        flow.blockedTaskId && [h('dt', {}, 'Blocked on'), h('dd', {}, h('a', { href: `#/tasks/${flow.blockedTaskId}` }, flow.blockedSummary || flow.blockedTaskId))],
        h('dt', {}, 'Created'),
        h('dd', {}, time(flow.createdAt)),
      ),
      h('h2', {}, `Tasks (${flow.summary.total})`),
      h('p', {}, Object.entries(flow.summary.byStatus).map(([status, count]) => [statusBadge(status), ` ${count} `])),
      h('ul', { className: 'links' }, flow.tasks.map((task) => h('li', {}, h('a', { href: `#/tasks/${task.taskId}` }, task.label || task.taskId), ' ', statusBadge(task.status)))),
    );
  } catch (error) {
    root.append(h('p', { className: 'error', role: 'alert' }, problemText(error)));
  }
}
