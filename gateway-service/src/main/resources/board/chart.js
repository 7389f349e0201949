// Tasks by status over the last hour, as stacked bars (what ended in each five minutes, by how it
// ended) with a line for what was created, and the few figures people ask for first.
import { h, clear, seconds } from './dom.js';

const ENDED = ['succeeded', 'failed', 'timed_out', 'cancelled', 'lost'];
const ACTIVE = ['queued', 'running', 'needs_assistance', 'paused'];
const WIDTH = 400;
const HEIGHT = 80;

export function renderStats(root, stats) {
  clear(root);
  const buckets = stats.lastHour || [];
  const totals = buckets.map((b) => ENDED.reduce((sum, status) => sum + (b.ended[status] || 0), 0));
  const max = Math.max(1, ...totals, ...buckets.map((b) => b.created));
  const slot = WIDTH / Math.max(1, buckets.length);
  const bar = slot * 0.7;
  const y = (value) => HEIGHT - (value / max) * (HEIGHT - 10);
  const bars = buckets.map((bucket, i) => {
    let top = HEIGHT;
    return ENDED.filter((status) => bucket.ended[status]).map((status) => {
      const height = HEIGHT - y(bucket.ended[status]);
      top -= height;
      return h('rect', { className: `bar status-${status}`, x: (i * slot + (slot - bar) / 2).toFixed(1), y: top.toFixed(1), width: bar.toFixed(1), height: height.toFixed(1) });
    });
  });
  const created = buckets.map((b, i) => `${(i * slot + slot / 2).toFixed(1)},${y(b.created).toFixed(1)}`).join(' ');
  const summary = `Over the last hour ${totals.reduce((a, b) => a + b, 0)} tasks ended and ${buckets.reduce((a, b) => a + b.created, 0)} were created.`;
  const svg = h(
    'svg',
    { viewBox: `0 0 ${WIDTH} ${HEIGHT + 14}`, role: 'img', 'aria-labelledby': 'chart-title chart-summary', className: 'chart' },
    h('title', { id: 'chart-title' }, 'Tasks ended per five minutes, by status, over the last hour'),
    h('line', { className: 'axis', x1: 0, x2: WIDTH, y1: HEIGHT, y2: HEIGHT }),
    bars,
    buckets.length > 1 && h('polyline', { className: 'created-line', points: created }),
    h('text', { className: 'axis-label', x: 0, y: HEIGHT + 12 }, '−60 min'),
    h('text', { className: 'axis-label', x: WIDTH, y: HEIGHT + 12, 'text-anchor': 'end' }, 'now'),
  );
  const figures = stats.figures || {};
  const now = stats.byStatus || {};
  root.append(
    h('h2', { id: 'stats-title' }, 'Last hour'),
    h('p', { id: 'chart-summary', className: 'visually-hidden' }, summary),
    h(
      'div',
      { className: 'stats-body' },
      h('figure', {}, svg, legend()),
      h(
        'dl',
        { className: 'figures' },
        ACTIVE.map((status) => [h('dt', {}, status.replace('_', ' ')), h('dd', { dataset: { count: status } }, String(now[status] || 0))]),
        h('dt', {}, 'ended'),
        h('dd', {}, `${figures.ended || 0} (${figures.endedPerMinute || 0}/min)`),
        h('dt', {}, 'run time p50 / p95'),
        h('dd', {}, `${seconds(figures.medianRunSeconds)} / ${seconds(figures.p95RunSeconds)}`),
        h('dt', {}, 'queue wait p50'),
        h('dd', {}, seconds(figures.medianQueueSeconds)),
      ),
    ),
    table(buckets),
  );
}

function legend() {
  return h(
    'figcaption',
    { className: 'legend' },
    ENDED.map((status) => h('span', {}, h('span', { className: `swatch status-${status}`, 'aria-hidden': 'true' }), status.replace('_', ' '))),
    h('span', {}, h('span', { className: 'swatch created', 'aria-hidden': 'true' }), 'created'),
  );
}

function table(buckets) {
  return h(
    'details',
    { className: 'chart-table' },
    h('summary', {}, 'As a table'),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'From'), h('th', { scope: 'col' }, 'created'), ENDED.map((status) => h('th', { scope: 'col' }, status.replace('_', ' '))))),
      h(
        'tbody',
        {},
        buckets.map((b) =>
          h('tr', {}, h('th', { scope: 'row' }, new Date(b.start).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })), h('td', {}, String(b.created)), ENDED.map((status) => h('td', {}, String(b.ended[status] || 0))))),
      ),
    ),
  );
}
