// The tenant's lifecycle events. EventSource cannot send an Authorization header, so the stream is
// read with fetch and parsed here; after a drop it reconnects with Last-Event-ID and the ledger
// replays what was missed.
export class EventStream {
  constructor({ url = '/api/v1/events', key, onEvent, onState, onRefused }) {
    this.url = url;
    this.key = key;
    this.onEvent = onEvent;
    this.onState = onState;
    this.onRefused = onRefused;
    this.lastEventId = null;
    this.retryMillis = 3000;
    this.stopped = false;
    this.controller = null;
  }

  /** Resolves once the first connection is open, so nothing published after it is missed. */
  start() {
    return new Promise((resolve) => {
      this.opened = resolve;
      this.run();
    });
  }

  stop() {
    this.stopped = true;
    if (this.controller) this.controller.abort();
  }

  async run() {
    let failures = 0;
    while (!this.stopped) {
      this.controller = new AbortController();
      try {
        const headers = { Accept: 'text/event-stream', Authorization: `Bearer ${this.key}` };
        if (this.lastEventId !== null) headers['Last-Event-ID'] = this.lastEventId;
        const response = await fetch(this.url, {
          headers,
          cache: 'no-store',
          credentials: 'omit',
          signal: this.controller.signal,
        });
        if (response.status === 401 || response.status === 403) {
          this.onState('refused');
          this.onRefused(response.status);
          this.settle();
          return;
        }
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        failures = 0;
        this.onState('live');
        this.settle();
        await this.read(response.body);
      } catch (e) {
        if (this.stopped) return;
      }
      if (this.stopped) return;
      this.onState('reconnecting');
      this.settle();
      failures++;
      const wait = Math.min(30000, this.retryMillis * 2 ** Math.min(failures - 1, 4));
      await new Promise((resume) => setTimeout(resume, wait * (0.75 + Math.random() / 2)));
    }
  }

  settle() {
    if (this.opened) {
      this.opened();
      this.opened = null;
    }
  }

  async read(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = lines.pop();
      for (const line of lines) this.line(line);
    }
  }

  line(line) {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    const event = (this.event ||= { data: [], type: 'message', id: null });
    if (field === 'data') event.data.push(value);
    else if (field === 'event') event.type = value;
    else if (field === 'id' && !value.includes('\0')) event.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMillis = Number(value);
  }

  dispatch() {
    const event = this.event;
    this.event = null;
    if (!event) return;
    if (event.id !== null) this.lastEventId = event.id;
    if (event.data.length === 0) return;
    try {
      this.onEvent(JSON.parse(event.data.join('\n')), event.type);
    } catch (e) {
      console.warn('An event the board could not read', e);
    }
  }
}
