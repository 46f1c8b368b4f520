// ffrtmp web UI: the fleet, jobs, campaigns and live streams of one master, over its REST API and its
// server-sent events. No framework and no build step: this file, app.css and uPlot, all served from the jar
// under a content security policy that forbids inline code and other origins.
'use strict';

(() => {
  // ---------------------------------------------------------------------------------------------
  // DOM helpers

  const $ = (sel, root = document) => root.querySelector(sel);

  /** An element: attrs are attributes (class, title, href, ...), on* functions become listeners. */
  function h(tag, attrs, ...children) {
    const el = tag.startsWith('svg:')
      ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
      : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'text') el.textContent = v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else el.setAttribute(k, v === true ? '' : v);
    }
    append(el, children);
    return el;
  }

  function append(el, children) {
    for (const c of children.flat(Infinity)) {
      if (c == null || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  function clear(el) {
    while (el.firstChild) el.firstChild.remove();
    return el;
  }

  function toast(message, bad) {
    const box = h('div', { class: bad ? 'bad' : null, role: bad ? 'alert' : 'status' }, message);
    $('#toast').append(box);
    setTimeout(() => box.remove(), bad ? 9000 : 4000);
  }

  // ---------------------------------------------------------------------------------------------
  // Formatting: every number with its unit; unknown is a dash, never 0.

  const DASH = '—';
  const num = (v, digits) => (v == null || Number.isNaN(v) ? null : Number(v).toFixed(digits));

  function fmt(v, digits, unit) {
    const n = num(v, digits);
    return n == null ? DASH : unit ? `${n} ${unit}` : n;
  }

  function fmtJoules(j) {
    if (j == null) return DASH;
    if (Math.abs(j) >= 3.6e6) return `${(j / 3.6e6).toFixed(2)} kWh`;
    if (Math.abs(j) >= 1e4) return `${(j / 1000).toFixed(1)} kJ`;
    return `${j.toFixed(j < 10 ? 2 : 0)} J`;
  }

  function fmtJpf(j) {
    if (j == null) return DASH;
    return `${j < 0.01 ? j.toPrecision(3) : j.toFixed(3)} J/frame`;
  }

  function fmtTime(iso) {
    if (!iso) return DASH;
    const d = new Date(iso);
    return d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
  }

  function fmtAgo(ms) {
    if (ms == null) return DASH;
    const s = Math.round(ms / 1000);
    if (s < 90) return `${s} s ago`;
    if (s < 5400) return `${Math.round(s / 60)} min ago`;
    return `${Math.round(s / 3600)} h ago`;
  }

  const shortId = (id) => (id ? id.slice(0, 8) : DASH);

  /** measured / estimated, always said: an estimate is never shown as if measured. */
  function provenanceBadge(provenance, detail) {
    if (provenance === 'estimated') {
      return h('span', { class: 'badge est', title: `estimated${detail ? ': ' + detail : ''}` }, 'estimated');
    }
    if (provenance === 'measured') {
      return h('span', { class: 'badge meas', title: `measured${detail ? ': ' + detail : ''}` }, 'measured');
    }
    if (provenance === 'mixed') {
      return h('span', { class: 'badge est', title: 'some measured, some estimated' }, 'partly estimated');
    }
    return null;
  }

  /** Watts with their provenance; null watts means not known (no job running or no reading). */
  function watts(w, provenance, why) {
    if (w == null) return h('span', { class: 'muted', title: why || 'not known' }, DASH);
    return h('span', { class: provenance === 'estimated' ? 'estimated' : null, title: provenance || '' },
      `${w.toFixed(1)} W`);
  }

  const stateBadge = (s) => h('span', { class: `badge state-${s}` }, s ? s.replace('_', ' ') : DASH);

  // ---------------------------------------------------------------------------------------------
  // Session: the token lives in this tab's session storage only; the API key is never kept.

  const SESSION = 'ffrtmp.session';
  let session = null;
  let expiryTimer = null;
  try {
    session = JSON.parse(sessionStorage.getItem(SESSION) || 'null');
  } catch (e) {
    session = null;
  }

  const canOperate = () => session != null && (session.role === 'operator' || session.role === 'admin');

  function keep(token) {
    session = { token: token.token, role: token.role, subject: token.subject, expires_at: token.expires_at };
    sessionStorage.setItem(SESSION, JSON.stringify(session));
  }

  function logout(message) {
    sessionStorage.removeItem(SESSION);
    session = null;
    clearTimeout(expiryTimer);
    stream.stop();
    unmountView();
    showLogin(message);
  }

  // ---------------------------------------------------------------------------------------------
  // The API

  class ApiError extends Error {
    constructor(status, error) {
      super((error && error.message) || `HTTP ${status}`);
      this.status = status;
      this.code = error && error.code;
      this.field = error && error.field;
    }
  }

  const errorText = (e) => (e.field ? `${e.message} (field: ${e.field})` : e.message);

  async function api(method, path, body, raw) {
    const headers = { accept: 'application/json' };
    if (session) headers.authorization = `Bearer ${session.token}`;
    let payload;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(path, { method, headers, body: payload, cache: 'no-store', credentials: 'omit' });
    if (!res.ok) {
      let error = null;
      try {
        error = (await res.json()).error;
      } catch (e) {
        error = null;
      }
      if (res.status === 401 && session && path !== '/api/v1/tokens') {
        logout('Your session has ended (the token expired or its key was revoked): log in again.');
      }
      throw new ApiError(res.status, error);
    }
    return raw ? res : res.json();
  }

  const get = (path) => api('GET', path);
  const post = (path, body) => api('POST', path, body === undefined ? '{}' : body);

  // ---------------------------------------------------------------------------------------------
  // Live events: the API's server-sent events, read with fetch so the token travels in a header (an
  // EventSource would need it in the URL). Reconnects with backoff; a reconnect asks views to resync.

  const stream = {
    listeners: new Map(),
    controller: null,
    timer: null,
    retryMs: 1000,
    dropped: false,
    stopped: true,

    on(name, fn) {
      if (!this.listeners.has(name)) this.listeners.set(name, new Set());
      this.listeners.get(name).add(fn);
      return () => this.listeners.get(name).delete(fn);
    },

    emit(name, data) {
      for (const fn of this.listeners.get(name) || []) {
        try {
          fn(data);
        } catch (e) {
          console.warn('event handler', name, e);
        }
      }
    },

    start() {
      this.stopped = false;
      if (!this.controller) this.connect();
    },

    stop() {
      this.stopped = true;
      clearTimeout(this.timer);
      if (this.controller) this.controller.abort();
      this.controller = null;
      this.status('off', 'offline');
    },

    status(cls, text) {
      const el = $('#conn');
      el.className = `conn ${cls}`;
      el.textContent = text;
    },

    async connect() {
      if (this.stopped || !session) return;
      const controller = new AbortController();
      this.controller = controller;
      this.status('connecting', 'connecting…');
      try {
        const res = await fetch('/api/v1/events', {
          headers: { authorization: `Bearer ${session.token}`, accept: 'text/event-stream' },
          signal: controller.signal,
          cache: 'no-store',
          credentials: 'omit',
        });
        if (res.status === 401) {
          logout('Your session has ended (the token expired or its key was revoked): log in again.');
          return;
        }
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        this.status('live', 'live');
        this.retryMs = 1000;
        if (this.dropped) {
          this.dropped = false;
          this.emit('resync');
        }
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n?/g, '\n');
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            this.dispatch(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
        throw new Error('the event stream ended');
      } catch (e) {
        if (this.stopped || controller.signal.aborted) return;
        this.controller = null;
        this.dropped = true;
        this.status('reconnecting', 'reconnecting…');
        this.timer = setTimeout(() => this.connect(), this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, 15000);
      }
    },

    dispatch(block) {
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') name = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length === 0) return;
      let parsed;
      try {
        parsed = JSON.parse(data.join('\n'));
      } catch (e) {
        return;
      }
      this.emit(name, parsed);
    },
  };

  // ---------------------------------------------------------------------------------------------
  // Views: each gets a scope whose timers and event listeners end when the view does.

  let scope = null;

  function newScope() {
    const s = {
      ended: false,
      cleanups: [],
      on(name, fn) {
        this.cleanups.push(stream.on(name, fn));
      },
      every(ms, fn) {
        const t = setInterval(() => !document.hidden && fn(), ms);
        this.cleanups.push(() => clearInterval(t));
      },
      later(ms, fn) {
        const t = setTimeout(fn, ms);
        this.cleanups.push(() => clearTimeout(t));
      },
      /** fn at most once per ms however often it is asked for: a burst of events, one reload. */
      debounce(ms, fn) {
        let pending = null;
        this.cleanups.push(() => clearTimeout(pending));
        return () => {
          if (pending == null) pending = setTimeout(() => { pending = null; if (!s.ended) fn(); }, ms);
        };
      },
      end() {
        this.ended = true;
        this.cleanups.forEach((c) => c());
      },
    };
    return s;
  }

  function unmountView() {
    if (scope) scope.end();
    scope = null;
  }

  const routes = [
    [/^#\/fleet$/, fleetView, 'fleet'],
    [/^#\/jobs\/([0-9a-f-]{36})$/, jobView, 'jobs'],
    [/^#\/jobs(?:\?(.*))?$/, jobsView, 'jobs'],
    [/^#\/campaigns\/([0-9a-f-]{36})$/, campaignView, 'campaigns'],
    [/^#\/campaigns$/, campaignsView, 'campaigns'],
    [/^#\/live$/, liveView, 'live'],
  ];

  function route() {
    if (!session) return;
    const hash = location.hash || '#/fleet';
    const match = routes.map(([re, view, nav]) => [hash.match(re), view, nav]).find(([m]) => m);
    if (!match) {
      location.replace('#/fleet');
      return;
    }
    const [m, view, nav] = match;
    unmountView();
    scope = newScope();
    for (const a of document.querySelectorAll('nav.views a')) a.classList.toggle('current', a.id === `nav-${nav}`);
    const main = clear($('#view'));
    main.hidden = false;
    const s = scope;
    Promise.resolve(view(main, s, m[1])).catch((e) => {
      if (!s.ended) main.append(h('div', { class: 'error', role: 'alert' }, errorText(e)));
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Sortable tables

  /**
   * columns: [{key, label, value(row) for sorting, cell(row) for display, num}]; rows keyed by keyOf.
   * update(rows) redraws; patch(key, row) redraws one row, patch(key, row, keys) only those cells (live
   * figures: the row's buttons stay the same elements, so a click is never lost to a redraw).
   */
  function dataTable(columns, keyOf, { empty = 'Nothing here yet.', id } = {}) {
    let rows = [];
    let sort = null;
    const body = h('tbody');
    const headRow = h('tr');
    const table = h('table', { class: 'data', id }, h('thead', {}, headRow), body);
    const emptyEl = h('div', { class: 'empty' }, empty);
    columns.forEach((c, i) => {
      const th = h('th', { class: `${c.num ? 'num ' : ''}${c.value ? 'sortable' : ''}`, scope: 'col', 'data-key': c.key },
        c.label);
      if (c.value) {
        th.tabIndex = 0;
        const toggle = () => {
          sort = { i, dir: sort && sort.i === i && sort.dir === 1 ? -1 : 1 };
          headRow.querySelectorAll('th').forEach((t) => t.removeAttribute('aria-sort'));
          th.setAttribute('aria-sort', sort.dir === 1 ? 'ascending' : 'descending');
          draw();
        };
        th.addEventListener('click', toggle);
        th.addEventListener('keydown', (e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), toggle()));
      }
      headRow.append(th);
    });

    const content = (c, r) => (c.cell ? c.cell(r) : c.value(r));

    function rowEl(r) {
      return h('tr', { 'data-key': keyOf(r) },
        columns.map((c) => h('td', { class: c.num ? 'num' : null, 'data-col': c.key }, content(c, r))));
    }

    function compare(a, b) {
      const c = columns[sort.i];
      const x = c.value(a);
      const y = c.value(b);
      if (x == null && y == null) return 0;
      if (x == null) return 1; // unknowns last, whichever way
      if (y == null) return -1;
      return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * sort.dir;
    }

    function draw() {
      const shown = sort ? [...rows].sort(compare) : rows;
      clear(body);
      shown.forEach((r) => body.append(rowEl(r)));
      emptyEl.hidden = rows.length > 0;
    }

    return {
      el: h('div', { class: 'table-wrap' }, table, emptyEl),
      rows: () => rows,
      update(next) {
        rows = next;
        draw();
      },
      patch(key, row, only) {
        const i = rows.findIndex((r) => keyOf(r) === key);
        if (i < 0) return false;
        rows[i] = row;
        const old = body.querySelector(`tr[data-key="${CSS.escape(key)}"]`);
        if (!old) return true;
        if (!only) {
          old.replaceWith(rowEl(row));
          return true;
        }
        for (const c of columns) {
          const td = only.includes(c.key) && old.querySelector(`td[data-col="${c.key}"]`);
          if (td) append(clear(td), [content(c, row)]);
        }
        return true;
      },
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Charts (uPlot)

  /** A theme colour as the canvas needs it: the variable resolved for the scheme in force. */
  function themeColor(name) {
    const probe = h('span', { hidden: true });
    probe.style.color = `var(${name})`;
    document.body.append(probe);
    const color = getComputedStyle(probe).color;
    probe.remove();
    return color || '#888';
  }

  function axes(xLabel, yLabel) {
    const stroke = themeColor('--muted');
    const grid = { stroke: themeColor('--line'), width: 1 };
    return [
      { label: xLabel, stroke, grid, ticks: grid },
      { label: yLabel, stroke, grid, ticks: grid, size: 60 },
    ];
  }

  function chartWidth(el) {
    return Math.max(300, Math.floor(el.getBoundingClientRect().width || 600) - 4);
  }

  /** A power trace: seconds into the job against watts. */
  function powerChart(el, points, estimated) {
    const data = [points.map((p) => p[0]), points.map((p) => p[1])];
    const color = estimated ? themeColor('--est') : themeColor('--accent');
    return new uPlot({
      width: chartWidth(el),
      height: 240,
      scales: { x: { time: false }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.15)] } },
      axes: axes('seconds into the job', estimated ? 'W (estimated)' : 'W (measured)'),
      series: [
        { label: 's', value: (u, v) => (v == null ? DASH : `${v.toFixed(1)} s`) },
        { label: estimated ? 'power (estimated)' : 'power', stroke: color, width: 1.5, dash: estimated ? [6, 4] : undefined,
          value: (u, v) => (v == null ? DASH : `${v.toFixed(2)} W`) },
      ],
    }, data, el);
  }

  /**
   * A scatter of configurations (x against J/frame), the Pareto front drawn through its members. uPlot
   * wants ascending x, so the points are sorted; the caption names the configuration under the cursor.
   */
  function scatterChart(el, caption, points, xLabel, xUnit) {
    const sorted = points.filter((p) => p.x != null && p.y != null).sort((a, b) => a.x - b.x);
    const xs = sorted.map((p) => p.x);
    const all = sorted.map((p) => p.y);
    const front = sorted.map((p) => (p.front ? p.y : null));
    const accent = themeColor('--accent');
    const ok = themeColor('--ok');
    return new uPlot({
      width: chartWidth(el),
      height: 260,
      scales: { x: { time: false } },
      // Every point's energy is measured or estimated; the axis says which, a point's caption too.
      axes: axes(xLabel, sorted.every((p) => p.estimated) ? 'J/frame (estimated)'
        : sorted.some((p) => p.estimated) ? 'J/frame (some estimated)' : 'J/frame (measured)'),
      cursor: { points: { size: 10 } },
      series: [
        { label: xLabel, value: (u, v) => (v == null ? DASH : `${v.toFixed(2)} ${xUnit}`) },
        { label: 'configurations', stroke: accent, fill: accent, paths: () => null, points: { show: true, size: 7 },
          value: (u, v) => (v == null ? DASH : fmtJpf(v)) },
        { label: 'Pareto front', stroke: ok, width: 2, spanGaps: true, points: { show: true, size: 9, stroke: ok },
          value: (u, v) => (v == null ? DASH : fmtJpf(v)) },
      ],
      hooks: {
        setCursor: [(u) => {
          const i = u.cursor.idx;
          caption.textContent = i == null ? '' : `${sorted[i].label}${sorted[i].estimated ? ' (energy estimated)' : ''}`;
        }],
      },
    }, [xs, all, front], el);
  }

  /** A sparkline of recent watts (SVG, no script in it): empty until there are two readings. */
  function sparkline(values, estimated) {
    const known = values.filter((v) => v != null);
    const svg = h('svg:svg', { class: `spark${estimated ? ' est' : ''}`, viewBox: '0 0 120 28', role: 'img',
      'aria-label': known.length ? `last ${known.length} readings, ${Math.min(...known).toFixed(1)} to ${Math.max(...known).toFixed(1)} W` : 'no readings yet' });
    if (known.length < 2) return svg;
    const max = Math.max(...known, 1);
    const step = 120 / Math.max(values.length - 1, 1);
    const pts = values.map((v, i) => (v == null ? null : `${(i * step).toFixed(1)},${(26 - (v / max) * 24).toFixed(1)}`))
      .filter(Boolean).join(' ');
    svg.append(h('svg:polyline', { points: pts }));
    return svg;
  }

  // ---------------------------------------------------------------------------------------------
  // Actions

  async function act(button, label, fn) {
    button.disabled = true;
    try {
      await fn();
      toast(label);
    } catch (e) {
      toast(errorText(e), true);
    } finally {
      button.disabled = false;
    }
  }

  function jobActions(job, after) {
    if (!canOperate()) return null;
    const box = h('span', { class: 'row' });
    if (['queued', 'leased', 'running', 'retry_wait'].includes(job.state)) {
      const b = h('button', { type: 'button', class: 'danger', 'data-action': 'cancel', title: 'Cancel this job' }, 'Cancel');
      b.addEventListener('click', () => act(b, `Job ${shortId(job.job_id)} canceled`, async () => {
        await post(`/api/v1/jobs/${job.job_id}/cancel`);
        if (after) after();
      }));
      box.append(b);
    }
    if (['failed', 'canceled'].includes(job.state)) {
      const b = h('button', { type: 'button', 'data-action': 'retry', title: 'Queue this job again' }, 'Retry');
      b.addEventListener('click', () => act(b, `Job ${shortId(job.job_id)} queued again`, async () => {
        await post(`/api/v1/jobs/${job.job_id}/retry`);
        if (after) after();
      }));
      box.append(b);
    }
    return box;
  }

  /** Downloads through fetch, so the token goes in a header, never in a link. */
  async function download(path, filename) {
    const res = await api('GET', path, undefined, true);
    const url = URL.createObjectURL(await res.blob());
    const a = h('a', { href: url, download: filename });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  // ---------------------------------------------------------------------------------------------
  // Fleet

  const HISTORY = 60; // readings per node kept for its sparkline (5 minutes at one per 5 s)
  const powerHistory = new Map();

  function hardwareText(hw) {
    if (!hw) return DASH;
    const parts = [];
    if (hw.cpu_model) parts.push(hw.cpu_model);
    if (hw.cpu_threads || hw.logical_cpus) parts.push(`${hw.cpu_threads || hw.logical_cpus} threads`);
    if (hw.memory_mb) parts.push(`${Math.round(hw.memory_mb / 1024)} GiB`);
    for (const g of hw.gpus || []) parts.push([g.vendor, g.model].filter(Boolean).join(' ') || 'GPU');
    return parts.length ? parts.join(' · ') : DASH;
  }

  async function fleetView(main, s) {
    const totals = h('div', { class: 'summary', id: 'fleet-summary' });
    const table = dataTable([
      { key: 'node', label: 'Node', value: (n) => n.node_id,
        cell: (n) => h('span', {}, h('strong', {}, n.node_id), n.host ? h('div', { class: 'muted' }, n.host) : null) },
      { key: 'state', label: 'State', value: (n) => n.state, cell: (n) => stateBadge(n.state) },
      { key: 'hardware', label: 'Hardware', value: (n) => hardwareText(n.hardware) },
      { key: 'slots', label: 'Slots in use', num: true, value: (n) => n.slots - n.free_slots,
        cell: (n) => `${n.slots - n.free_slots} / ${n.slots}` },
      { key: 'watts', label: 'Power now', num: true, value: (n) => n.watts,
        cell: (n) => h('span', { class: 'row' }, watts(n.watts, n.watts_source, n.running && n.running.length ? 'no reading' : 'no job running: not measured'),
          n.watts != null ? provenanceBadge(n.watts_source) : null) },
      { key: 'trend', label: 'Last 5 min', cell: (n) => sparkline(powerHistory.get(n.node_id) || [], n.watts_source === 'estimated') },
      { key: 'energy', label: 'Jobs\' energy today', num: true, value: (n) => (n.energy_today ? n.energy_today.joules : null),
        cell: (n) => (n.energy_today
          ? h('span', { class: 'row', title: `${n.energy_today.jobs} finished jobs since midnight UTC` },
            h('span', { class: n.energy_today.provenance !== 'measured' ? 'estimated' : null }, fmtJoules(n.energy_today.joules)),
            provenanceBadge(n.energy_today.provenance))
          : h('span', { class: 'muted', title: 'no job finished here today' }, DASH)) },
      { key: 'seen', label: 'Last seen', num: true, value: (n) => n.seen_ago_ms, cell: (n) => fmtAgo(n.seen_ago_ms) },
      { key: 'actions', label: '', cell: (n) => nodeActions(n) },
    ], (n) => n.node_id, { empty: 'No node has registered yet.', id: 'nodes' });

    function nodeActions(n) {
      if (!canOperate()) return null;
      const drain = n.state === 'up';
      if (n.state === 'lost') return null;
      const b = h('button', { type: 'button', 'data-action': drain ? 'drain' : 'resume',
        title: drain ? 'Finish what runs, take nothing new' : 'Take work again' }, drain ? 'Drain' : 'Resume');
      b.addEventListener('click', () => act(b, `${n.node_id} ${drain ? 'draining' : 'resumed'}`, async () => {
        await post(`/api/v1/nodes/${encodeURIComponent(n.node_id)}/${drain ? 'drain' : 'resume'}`);
        await load();
      }));
      return b;
    }

    async function load() {
      const { nodes } = await get('/api/v1/nodes');
      if (s.ended) return;
      const seen = new Set();
      for (const n of nodes) {
        seen.add(n.node_id);
        const hist = powerHistory.get(n.node_id) || [];
        hist.push(n.watts);
        if (hist.length > HISTORY) hist.shift();
        powerHistory.set(n.node_id, hist);
      }
      for (const id of [...powerHistory.keys()]) if (!seen.has(id)) powerHistory.delete(id);
      const before = table.rows();
      if (before.length === nodes.length && nodes.every((n, i) => before[i].node_id === n.node_id)) {
        // The same nodes: their figures redrawn in place; a row's button only when its state changed.
        nodes.forEach((n, i) => table.patch(n.node_id, n, n.state === before[i].state
          ? ['state', 'hardware', 'slots', 'watts', 'trend', 'energy', 'seen'] : undefined));
      } else {
        table.update(nodes);
      }
      const up = nodes.filter((n) => n.state === 'up').length;
      // A sum only of readings there are: no reading is a dash, not 0 W.
      const sum = (list) => (list.length ? `${list.reduce((a, n) => a + n.watts, 0).toFixed(1)} W` : DASH);
      const measured = sum(nodes.filter((n) => n.watts != null && n.watts_source === 'measured'));
      const estimated = sum(nodes.filter((n) => n.watts != null && n.watts_source !== 'measured'));
      const running = nodes.reduce((a, n) => a + (n.slots - n.free_slots), 0);
      clear(totals).append(
        figure('nodes up', `${up} / ${nodes.length}`),
        figure('slots in use', String(running)),
        figure('power now, measured', measured),
        figure('power now, estimated', estimated === DASH ? DASH : h('span', { class: 'estimated' }, estimated)),
      );
    }

    main.append(h('h1', {}, 'Fleet'), totals,
      h('p', { class: 'muted' }, 'Power now is what each node measured (or estimated, marked so) at its last heartbeat while a job ran; ',
        'a dash means not known, never zero. Energy today sums the jobs that finished on the node since midnight UTC.'),
      table.el);
    await load();
    s.every(5000, () => load().catch(() => {}));
    s.on('resync', () => load().catch(() => {}));
  }

  function figure(label, value) {
    return h('div', {}, h('div', { class: 'figure' }, value), h('div', { class: 'muted' }, label));
  }

  // ---------------------------------------------------------------------------------------------
  // Jobs

  const STATES = ['queued', 'leased', 'running', 'succeeded', 'failed', 'canceled', 'retry_wait'];
  const QUEUES = ['live', 'default', 'batch'];

  /** The live part of a job row: the latest progress message for it. */
  const progressOf = new Map();

  /** The latest progress of a job that runs now; none for a job that is not running. */
  const runningProgress = (j) => (['running', 'leased'].includes(j.state) ? progressOf.get(j.job_id) || {} : {});

  function rememberProgress(p) {
    progressOf.set(p.job_id, p);
    if (progressOf.size > 2000) progressOf.delete(progressOf.keys().next().value);
  }

  function progressCell(j) {
    const p = progressOf.get(j.job_id);
    if (j.state === 'succeeded') return h('progress', { max: 100, value: 100, title: 'done' });
    if (!p || !['running', 'leased'].includes(j.state)) return h('span', { class: 'muted' }, DASH);
    if (p.frames_total && p.frame != null) {
      const pct = Math.min(100, (100 * p.frame) / p.frames_total);
      return h('span', { class: 'row' }, h('progress', { max: 100, value: pct.toFixed(1) }), `${pct.toFixed(0)} %`);
    }
    return h('span', {}, p.frame != null ? `${p.frame} frames` : DASH);
  }

  async function jobsView(main, s, query) {
    const params = new URLSearchParams(query || '');
    const filters = { state: params.get('state') || '', queue: params.get('queue') || '', campaign_id: params.get('campaign_id') || '' };
    let cursor = null;

    const select = (name, values) => h('select', { id: `filter-${name}`, name, onchange: applyFilters },
      h('option', { value: '' }, `any ${name}`), values.map((v) => h('option', { value: v, selected: filters[name] === v }, v)));

    function applyFilters() {
      const q = new URLSearchParams();
      for (const name of ['state', 'queue']) {
        const v = $(`#filter-${name}`, main).value;
        if (v) q.set(name, v);
      }
      const c = $('#filter-campaign', main).value.trim();
      if (c) q.set('campaign_id', c);
      location.hash = `#/jobs${q.toString() ? '?' + q : ''}`;
    }

    const table = dataTable([
      { key: 'job', label: 'Job', value: (j) => j.name || j.config_key,
        cell: (j) => h('span', {}, h('a', { href: `#/jobs/${j.job_id}` }, j.name || shortId(j.job_id)),
          h('div', { class: 'muted' }, j.config_key)) },
      { key: 'state', label: 'State', value: (j) => j.state, cell: (j) => stateBadge(j.state) },
      { key: 'queue', label: 'Queue', value: (j) => j.queue },
      { key: 'node', label: 'Node', value: (j) => j.node_id || null, cell: (j) => j.node_id || DASH },
      { key: 'progress', label: 'Progress', cell: progressCell },
      { key: 'fps', label: 'fps', num: true, value: (j) => runningProgress(j).fps, cell: (j) => fmt(runningProgress(j).fps, 1) },
      { key: 'speed', label: 'Speed', num: true, value: (j) => runningProgress(j).speed,
        cell: (j) => fmt(runningProgress(j).speed, 2, '×') },
      { key: 'watts', label: 'Power', num: true, value: (j) => runningProgress(j).watts,
        cell: (j) => {
          const p = runningProgress(j);
          return p.watts != null ? watts(p.watts, p.energy_provenance) : h('span', { class: 'muted' }, DASH);
        } },
      { key: 'created', label: 'Created', value: (j) => j.created_at, cell: (j) => fmtTime(j.created_at) },
      { key: 'actions', label: '', cell: (j) => jobActions(j, () => reload()) },
    ], (j) => j.job_id, { empty: 'No job matches.', id: 'jobs' });

    const more = h('button', { type: 'button', id: 'more', hidden: true, onclick: () => page(false).catch((e) => toast(errorText(e), true)) }, 'More');

    function url(after) {
      const q = new URLSearchParams({ limit: '50' });
      for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
      if (after) q.set('cursor', after);
      return `/api/v1/jobs?${q}`;
    }

    async function page(first) {
      const res = await get(url(first ? null : cursor));
      if (s.ended) return;
      cursor = res.next_cursor;
      table.update(first ? res.jobs : table.rows().concat(res.jobs));
      more.hidden = !cursor;
    }

    const reload = s.debounce(1500, () => page(true).catch(() => {}));

    main.append(h('h1', {}, 'Jobs'),
      h('div', { class: 'row panel' }, select('state', STATES), select('queue', QUEUES),
        h('input', { id: 'filter-campaign', placeholder: 'campaign id', value: filters.campaign_id, size: 38,
          onchange: applyFilters, 'aria-label': 'campaign id' })),
      table.el, more);
    await page(true);

    s.on('progress', (p) => {
      rememberProgress(p);
      const row = table.rows().find((j) => j.job_id === p.job_id);
      if (row) table.patch(p.job_id, row, ['progress', 'fps', 'speed', 'watts']);
    });
    s.on('state', (e) => {
      const row = table.rows().find((j) => j.job_id === e.job_id);
      if (row) {
        table.patch(e.job_id, { ...row, state: e.to, node_id: e.node_id || row.node_id });
        if (['succeeded', 'failed', 'canceled'].includes(e.to)) reload(); // node, finish time
      } else if (!filters.campaign_id || filters.campaign_id === e.campaign_id) {
        reload(); // a job this page does not show yet
      }
    });
    s.on('resync', reload);
  }

  // ---------------------------------------------------------------------------------------------
  // One job

  async function jobView(main, s, id) {
    const [job, power, logs] = await Promise.all([
      get(`/api/v1/jobs/${id}`),
      get(`/api/v1/jobs/${id}/power`),
      get(`/api/v1/jobs/${id}/logs`).catch(() => null),
    ]);
    if (s.ended) return;
    const result = job.result || {};
    const energy = result.energy || power.energy || {};
    const estimated = energy.provenance === 'estimated';

    const stateEl = h('span', { id: 'job-state' }, stateBadge(job.state));
    const actions = h('span', { id: 'job-actions' }, jobActions(job, () => refresh()));
    const liveBox = h('dl', { class: 'facts', id: 'job-live' });
    const chartEl = h('div', { class: 'chart', id: 'power-chart' });
    const chartNote = h('div', { class: 'chart-caption' });

    main.append(
      h('h1', {}, job.name || `Job ${shortId(job.job_id)}`, ' ', stateEl, ' ', actions),
      h('div', { class: 'grid' },
        h('div', { class: 'panel' }, h('h2', {}, 'Job'), facts([
          ['id', h('code', {}, job.job_id)],
          ['configuration', job.config_key],
          ['campaign', job.campaign_id ? h('a', { href: `#/campaigns/${job.campaign_id}` }, shortId(job.campaign_id)) : DASH],
          ['queue / priority', `${job.queue} / ${job.priority}`],
          ['node', job.node_id || DASH],
          ['attempt', `${job.attempt} of ${job.max_attempts}`],
          ['created', fmtTime(job.created_at)],
          ['started', fmtTime(job.started_at)],
          ['finished', fmtTime(job.finished_at)],
          job.error ? ['error', h('span', { class: 'error' }, job.error)] : null,
        ])),
        h('div', { class: 'panel' }, h('h2', {}, 'Energy ', provenanceBadge(energy.provenance, energySource(energy))), facts([
          ['total', h('span', { class: estimated ? 'estimated' : null }, fmtJoules(energy.total_joules))],
          ['per frame', h('span', { class: estimated ? 'estimated' : null }, fmtJpf(energy.joules_per_frame))],
          ['above idle, per frame', h('span', { class: estimated ? 'estimated' : null }, fmtJpf(energy.above_idle_joules_per_frame))],
          ['average power', h('span', { class: estimated ? 'estimated' : null }, fmt(energy.avg_watts, 2, 'W'))],
          ['source', energySource(energy) || DASH],
          ...(energy.warnings || []).map((w) => ['warning', w]),
        ])),
        h('div', { class: 'panel' }, h('h2', {}, 'Output and quality'), facts([
          ['frames', fmt(result.frames, 0)],
          ['speed', fmt(result.speed, 2, '×')],
          ['fps', fmt(result.fps, 1)],
          ['bitrate', fmt(result.bitrate_kbps, 0, 'kbps')],
          ['dropped frames', fmt(result.dropped_frames, 0)],
          ...qualityFacts(result.quality),
        ])),
        ['succeeded', 'failed', 'canceled'].includes(job.state) ? null : h('div', { class: 'panel' }, h('h2', {}, 'Now'), liveBox),
      ),
      h('div', { class: 'panel' }, h('h2', {}, 'Power'), chartEl, chartNote),
      h('div', { class: 'panel' }, h('h2', {}, 'Events'), eventsTable(job.events || [])),
      h('div', { class: 'panel' }, h('h2', {}, 'Spec'), h('pre', {}, JSON.stringify(job.spec, null, 2))),
      h('div', { class: 'panel' }, h('h2', {}, 'Logs'), logsBlock(logs)),
    );

    // The stored trace once an attempt finished; meanwhile the live watts of its progress messages.
    let points = (power.trace || []).map((p) => [p.t_ms / 1000, p.watts]).filter((p) => p[1] != null);
    let chart = null;
    function drawChart() {
      if (chart) chart.destroy();
      clear(chartEl);
      if (points.length < 2) {
        chartNote.textContent = ['running', 'leased'].includes(job.state)
          ? 'Waiting for power readings…'
          : 'No power trace for this job.';
        chart = null;
        return;
      }
      chartNote.textContent = estimated ? 'Estimated power (the node has no meter for this scope): marked dashed.' : '';
      chart = powerChart(chartEl, points, estimated);
    }
    drawChart();
    s.cleanups.push(() => chart && chart.destroy());

    const started = job.started_at ? Date.parse(job.started_at) : Date.now();
    const redraw = s.debounce(2000, () => {
      if (chart) chart.setData([points.map((p) => p[0]), points.map((p) => p[1])]);
      else drawChart();
    });

    function showLive(p) {
      clear(liveBox);
      if (!p) {
        liveBox.append(h('dt', {}, 'state'), h('dd', {}, job.state));
        return;
      }
      const pct = p.frames_total && p.frame != null ? Math.min(100, (100 * p.frame) / p.frames_total) : null;
      append(liveBox, [
        h('dt', {}, 'progress'), h('dd', {}, pct == null ? fmt(p.frame, 0, 'frames') : h('span', { class: 'row' },
          h('progress', { max: 100, value: pct.toFixed(1), id: 'job-progress' }), `${pct.toFixed(0)} % (${p.frame} of ${p.frames_total} frames)`)),
        h('dt', {}, 'fps'), h('dd', {}, fmt(p.fps, 1)),
        h('dt', {}, 'speed'), h('dd', {}, fmt(p.speed, 2, '×')),
        h('dt', {}, 'power'), h('dd', {}, watts(p.watts, p.energy_provenance), ' ', p.watts != null ? provenanceBadge(p.energy_provenance) : null),
        h('dt', {}, 'bitrate'), h('dd', {}, fmt(p.bitrate_kbps, 0, 'kbps')),
      ]);
    }
    showLive(progressOf.get(id));

    async function refresh() {
      const fresh = await get(`/api/v1/jobs/${id}`);
      if (s.ended) return;
      job.state = fresh.state;
      clear(stateEl).append(stateBadge(fresh.state));
      clear(actions).append(jobActions(fresh, () => refresh()) || '');
      if (['succeeded', 'failed', 'canceled'].includes(fresh.state)) route(); // the whole page, with its result
    }

    s.on('progress', (p) => {
      if (p.job_id !== id) return;
      rememberProgress(p);
      showLive(p);
      if (p.watts != null && !(power.trace || []).length) {
        points.push([(Date.now() - started) / 1000, p.watts]);
        if (points.length > 3600) points = points.slice(-3600);
        redraw();
      }
    });
    s.on('state', (e) => e.job_id === id && refresh().catch(() => {}));
    s.on('resync', () => refresh().catch(() => {}));
  }

  function facts(pairs) {
    const dl = h('dl', { class: 'facts' });
    for (const p of pairs) if (p) dl.append(h('dt', {}, p[0]), h('dd', {}, p[1] == null ? DASH : p[1]));
    return dl;
  }

  function energySource(e) {
    if (!e || !e.source) return null;
    const zones = e.zones && e.zones.length ? ` (${e.zones.join(', ')})` : '';
    return `${e.source}${zones}`;
  }

  function qualityFacts(q) {
    if (!q) return [['quality', 'not measured']];
    const out = [];
    if (q.psnr_db != null || q.psnr != null) out.push(['PSNR', fmt(q.psnr_db ?? q.psnr, 2, 'dB')]);
    if (q.ssim != null) out.push(['SSIM', fmt(q.ssim, 4)]);
    if (q.vmaf != null) out.push(['VMAF', fmt(q.vmaf, 2)]);
    for (const [k, v] of Object.entries(q)) {
      if (['psnr_db', 'psnr', 'ssim', 'vmaf'].includes(k) || v == null || typeof v === 'object') continue;
      out.push([k.replace(/_/g, ' '), String(v)]);
    }
    return out.length ? out : [['quality', 'not measured']];
  }

  function eventsTable(events) {
    const t = dataTable([
      { key: 'at', label: 'At', value: (e) => e.at, cell: (e) => fmtTime(e.at) },
      { key: 'from', label: 'From', value: (e) => e.from || '' },
      { key: 'to', label: 'To', value: (e) => e.to, cell: (e) => stateBadge(e.to) },
      { key: 'actor', label: 'By', value: (e) => e.actor || '' },
      { key: 'reason', label: 'Reason', value: (e) => e.reason || '' },
    ], (e) => `${e.at}-${e.to}`, { empty: 'No events.' });
    t.update(events.map((e) => ({ ...e, from: e.from ?? e.from_state, to: e.to ?? e.to_state })));
    return t.el;
  }

  function logsBlock(logs) {
    if (!logs) return h('div', { class: 'muted' }, 'No logs.');
    const lines = [];
    if (logs.command) lines.push(`$ ${Array.isArray(logs.command) ? logs.command.join(' ') : logs.command}`);
    if (logs.exit_code != null) lines.push(`exit code ${logs.exit_code}`);
    if (logs.error) lines.push(`error: ${logs.error}`);
    if (logs.stderr_tail) lines.push('', Array.isArray(logs.stderr_tail) ? logs.stderr_tail.join('\n') : logs.stderr_tail);
    return lines.length ? h('pre', { id: 'job-logs' }, lines.join('\n')) : h('div', { class: 'muted' }, 'No logs yet.');
  }

  // ---------------------------------------------------------------------------------------------
  // Campaigns

  async function campaignsView(main, s) {
    const table = dataTable([
      { key: 'name', label: 'Campaign', value: (c) => c.name,
        cell: (c) => h('a', { href: `#/campaigns/${c.campaign_id}` }, c.name) },
      { key: 'progress', label: 'Progress', value: (c) => (c.jobs ? c.finished / c.jobs : 0),
        cell: (c) => h('span', { class: 'row' }, h('progress', { max: c.jobs || 1, value: c.finished }), `${c.finished} / ${c.jobs}`) },
      { key: 'failed', label: 'Failed', num: true, value: (c) => c.failed },
      { key: 'started', label: 'Started', value: (c) => c.started_at, cell: (c) => fmtTime(c.started_at) },
      { key: 'finished', label: 'Finished', value: (c) => c.finished_at, cell: (c) => fmtTime(c.finished_at) },
    ], (c) => c.campaign_id, { empty: 'No campaign yet.', id: 'campaigns' });

    async function load() {
      const res = await get('/api/v1/campaigns?limit=200');
      if (!s.ended) table.update(res.campaigns);
    }

    main.append(h('h1', {}, 'Campaigns'));
    if (canOperate()) main.append(submitForm());
    main.append(table.el);
    await load();
    const reload = s.debounce(2000, () => load().catch(() => {}));
    s.on('state', (e) => e.campaign_id && reload());
    s.on('resync', reload);
  }

  function submitForm() {
    const error = h('div', { class: 'error', role: 'alert', id: 'submit-error', hidden: true });
    const text = h('textarea', { id: 'campaign-text', name: 'campaign', spellcheck: 'false',
      placeholder: '{"name": "…", "base": {…}, "configurations": [{…}]}', 'aria-label': 'campaign file' });
    const file = h('input', { type: 'file', id: 'campaign-file', accept: '.json,application/json', 'aria-label': 'campaign file to load' });
    file.addEventListener('change', async () => {
      if (file.files[0]) text.value = await file.files[0].text();
    });
    const button = h('button', { type: 'submit', class: 'primary', id: 'campaign-submit' }, 'Submit campaign');
    const form = h('form', { class: 'panel', id: 'campaign-form' },
      h('h2', {}, 'Submit a campaign'),
      h('p', { class: 'muted' }, 'A campaign file as ', h('code', {}, 'bench'), ' takes it (conf/campaigns/*.json): load one or paste it.'),
      h('div', { class: 'row' }, file), text, h('div', { class: 'row' }, button), error);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.hidden = true;
      button.disabled = true;
      try {
        const res = await post('/api/v1/campaigns', text.value);
        toast(`Campaign ${res.name}: ${res.jobs} jobs queued`);
        location.hash = `#/campaigns/${res.campaign_id}`;
      } catch (err) {
        error.textContent = errorText(err);
        error.hidden = false;
      } finally {
        button.disabled = false;
      }
    });
    return form;
  }

  async function campaignView(main, s, id) {
    const head = h('div', { id: 'campaign-head' });
    const body = h('div', { id: 'campaign-body' });
    main.append(head, body);
    const charts = [];
    s.cleanups.push(() => charts.forEach((c) => c.destroy()));
    let shown = null; // what the results below were drawn for: succeeded count and done

    async function load() {
      const c = await get(`/api/v1/campaigns/${id}`);
      if (s.ended) return;
      const finished = c.states.succeeded + c.states.failed + c.states.canceled;
      append(clear(head), [
        h('h1', {}, c.name, ' ', h('span', { class: 'badge', id: 'campaign-done' }, c.done ? 'done' : 'running')),
        c.description ? h('p', { class: 'muted' }, c.description) : null,
        h('div', { class: 'panel row' },
          h('progress', { max: c.jobs || 1, value: finished, id: 'campaign-progress' }), `${finished} / ${c.jobs} jobs finished`,
          ...STATES.filter((st) => c.states[st]).map((st) => h('span', {}, stateBadge(st), ` ${c.states[st]}`)),
          h('a', { href: `#/jobs?campaign_id=${id}` }, 'its jobs'),
          canOperate() && !c.done ? cancelCampaignButton() : null),
        h('div', { class: 'row' }, 'Download: ',
          downloadButton('results.json', 'json'), downloadButton('results.csv', 'csv'), downloadButton('report.html', 'html')),
      ]);
      const now = `${c.states.succeeded}/${c.done}`;
      if (c.states.succeeded > 0 && shown !== now) {
        shown = now;
        await results(c);
      } else if (c.states.succeeded === 0) {
        clear(body).append(h('p', { class: 'muted' }, 'No job of this campaign has succeeded yet.'));
      }
    }

    function downloadButton(name, format) {
      const b = h('button', { type: 'button', 'data-download': format }, name);
      b.addEventListener('click', () => act(b, `${name} downloaded`, () => download(`/api/v1/campaigns/${id}/report?format=${format}`, name)));
      return b;
    }

    function cancelCampaignButton() {
      const b = h('button', { type: 'button', class: 'danger', 'data-action': 'cancel-campaign' }, 'Cancel campaign');
      b.addEventListener('click', () => act(b, 'Campaign canceled', async () => {
        await post(`/api/v1/campaigns/${id}/cancel`);
        await load();
      }));
      return b;
    }

    async function results(c) {
      const report = await get(`/api/v1/campaigns/${id}/report?format=json`);
      if (s.ended) return;
      charts.forEach((x) => x.destroy());
      charts.length = 0;
      const metric = report.quality_metric || c.quality_metric || 'psnr';
      const configs = report.configurations || [];
      const quality = (k) => (metric === 'ssim' ? k.ssim_mean : metric === 'vmaf' ? k.vmaf_mean : k.psnr_mean_db);
      const qualityUnit = metric === 'psnr' ? 'dB' : '';
      const isEst = (k) => k.energy && k.energy.provenance !== 'measured';
      const jpf = (k) => (k.joules_per_frame ? k.joules_per_frame.mean : null);

      const ranking = dataTable([
        { key: 'rank', label: 'Rank', num: true, value: (k) => k.rank, cell: (k) => (k.rank == null ? DASH : String(k.rank)) },
        { key: 'config', label: 'Configuration', value: (k) => k.config_key,
          cell: (k) => h('span', {}, k.config_key, k.pareto_front ? h('span', { class: 'badge state-succeeded pareto', title: 'on the Pareto front (energy, bitrate, quality)' }, 'Pareto') : null) },
        { key: 'jpf', label: 'J/frame (95 % CI)', num: true, value: jpf,
          cell: (k) => {
            const m = k.joules_per_frame;
            if (!m) return DASH;
            const ci = m.ci95_half_width != null ? ` ± ${m.ci95_half_width < 0.01 ? m.ci95_half_width.toPrecision(2) : m.ci95_half_width.toFixed(3)}` : '';
            return h('span', { class: isEst(k) ? 'estimated' : null, title: `n = ${m.n}` }, `${fmtJpf(m.mean)}${ci}`);
          } },
        { key: 'energy', label: 'Energy', value: (k) => (k.energy ? k.energy.provenance : null),
          cell: (k) => (k.energy ? provenanceBadge(k.energy.provenance, energySource(k.energy) || k.energy.model_name) : DASH) },
        { key: 'watts', label: 'Power', num: true, value: (k) => k.avg_watts_mean, cell: (k) => h('span', { class: isEst(k) ? 'estimated' : null }, fmt(k.avg_watts_mean, 1, 'W')) },
        { key: 'kbps', label: 'Bitrate', num: true, value: (k) => k.bitrate_kbps_mean, cell: (k) => fmt(k.bitrate_kbps_mean, 0, 'kbps') },
        { key: 'psnr', label: 'PSNR', num: true, value: (k) => k.psnr_mean_db, cell: (k) => fmt(k.psnr_mean_db, 2, 'dB') },
        { key: 'ssim', label: 'SSIM', num: true, value: (k) => k.ssim_mean, cell: (k) => fmt(k.ssim_mean, 4) },
        { key: 'vmaf', label: 'VMAF', num: true, value: (k) => k.vmaf_mean, cell: (k) => fmt(k.vmaf_mean, 1) },
        { key: 'speed', label: 'Speed', num: true, value: (k) => k.speed_mean, cell: (k) => fmt(k.speed_mean, 2, '×') },
        { key: 'runs', label: 'Runs', num: true, value: (k) => k.succeeded, cell: (k) => `${k.succeeded}${k.failed ? ` (+${k.failed} failed)` : ''}` },
      ], (k) => k.config_key, { empty: 'No configuration has a result yet.', id: 'ranking' });
      ranking.update(configs);

      const points = (x) => configs.map((k) => ({ x: x(k), y: jpf(k), front: k.pareto_front, label: k.config_key, estimated: isEst(k) }));
      const rateChart = h('div', { class: 'chart', id: 'pareto-rate' });
      const rateCaption = h('div', { class: 'chart-caption' });
      const qualityChart = h('div', { class: 'chart', id: 'pareto-quality' });
      const qualityCaption = h('div', { class: 'chart-caption' });

      clear(body).append(
        recommendationPanel(report, configs),
        h('div', { class: 'panel' }, h('h2', {}, 'Ranking by energy per frame'),
          h('p', { class: 'muted' }, 'Measured configurations rank before estimated ones; estimated figures are marked * and ',
            provenanceBadge('estimated'), '.'), ranking.el),
        h('div', { class: 'charts' },
          h('div', { class: 'panel' }, h('h2', {}, 'Energy against bitrate'), rateChart, rateCaption),
          h('div', { class: 'panel' }, h('h2', {}, `Energy against ${metric.toUpperCase()}`), qualityChart, qualityCaption)),
      );
      if (configs.some((k) => jpf(k) != null)) {
        charts.push(scatterChart(rateChart, rateCaption, points((k) => k.bitrate_kbps_mean), 'bitrate (kbps)', 'kbps'));
        charts.push(scatterChart(qualityChart, qualityCaption, points(quality),
          `${metric.toUpperCase()}${qualityUnit ? ` (${qualityUnit})` : ''}`, qualityUnit));
      }
    }

    function recommendationPanel(report, configs) {
      const out = h('div', { id: 'recommendation-text' });
      if (report.recommendation) showRecommendation(out, report.recommendation);
      const target = h('input', { id: 'rec-target', value: `${report.quality_metric || 'psnr'}=40`, size: 12, 'aria-label': 'quality target' });
      const maxKbps = h('input', { id: 'rec-max-kbps', type: 'number', min: 1, placeholder: 'no limit', size: 8, 'aria-label': 'most kbps' });
      // A baseline names a rate curve (a configuration without its rate setting: "libx264 medium").
      const curves = (report.curves && report.curves.curves) || [];
      const baseline = h('select', { id: 'rec-baseline', 'aria-label': 'baseline' }, h('option', { value: '' }, 'no baseline'),
        [...new Set(curves.map((c) => c.label))].map((l) => h('option', { value: l }, l)));
      const error = h('div', { class: 'error', role: 'alert', hidden: true, id: 'rec-error' });
      const button = h('button', { type: 'submit' }, 'Recommend');
      const form = h('form', { class: 'row', id: 'rec-form' },
        h('label', {}, 'target', target), h('label', {}, 'at most', maxKbps, 'kbps'), h('label', {}, 'against', baseline), button);
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        error.hidden = true;
        const q = new URLSearchParams({ target: target.value.trim() });
        if (maxKbps.value) q.set('max_kbps', maxKbps.value);
        if (baseline.value) q.set('baseline', baseline.value);
        button.disabled = true;
        try {
          showRecommendation(out, await get(`/api/v1/campaigns/${id}/recommendation?${q}`));
        } catch (err) {
          error.textContent = errorText(err);
          error.hidden = false;
        } finally {
          button.disabled = false;
        }
      });
      return h('div', { class: 'panel' }, h('h2', {}, 'Recommendation'), out, form, error);
    }

    function showRecommendation(el, r) {
      clear(el);
      el.append(h('p', { class: 'recommendation' }, r.text || 'No configuration reaches the target.'));
      const b = r.against_baseline;
      const percent = (d) => (d && d.percent != null ? `${d.percent > 0 ? '+' : ''}${d.percent.toFixed(1)} %` : (d && (d.none || d.reason)) || DASH);
      if (b) {
        el.append(facts([
          ['baseline', b.label],
          b.energy ? ['energy against it', percent(b.energy)] : null,
          b.bitrate_percent != null ? ['bitrate against it', `${b.bitrate_percent > 0 ? '+' : ''}${Number(b.bitrate_percent).toFixed(1)} %`] : null,
          ['BD-rate', percent(b.bd_rate)],
          ['BD-energy', percent(b.bd_energy)],
          b.none ? ['note', b.none] : null,
        ]));
      }
      if (r.chosen && r.chosen.energy && r.chosen.energy.provenance !== 'measured') {
        el.append(h('p', {}, provenanceBadge('estimated'), ' The chosen configuration\'s energy is estimated, not measured.'));
      }
    }

    await load();
    const reload = s.debounce(2000, () => load().catch(() => {}));
    s.on('state', (e) => e.campaign_id === id && reload());
    s.on('resync', reload);
  }

  // ---------------------------------------------------------------------------------------------
  // Live streams

  async function liveView(main, s) {
    const table = dataTable([
      { key: 'stream', label: 'Stream', value: (j) => j.name || j.config_key,
        cell: (j) => h('a', { href: `#/jobs/${j.job_id}` }, j.name || j.config_key) },
      { key: 'node', label: 'Node', value: (j) => j.node_id || null, cell: (j) => j.node_id || DASH },
      { key: 'realtime', label: 'Realtime', value: (j) => (progressOf.get(j.job_id) || {}).realtime || null,
        cell: (j) => {
          const rt = (progressOf.get(j.job_id) || {}).realtime;
          return rt ? h('span', { class: `badge rt-${rt}` }, rt === 'holding' ? 'holding realtime' : 'behind realtime')
            : h('span', { class: 'muted', title: 'judged after the first window' }, 'not judged yet');
        } },
      { key: 'speed', label: 'Speed', num: true, value: (j) => (progressOf.get(j.job_id) || {}).speed,
        cell: (j) => fmt((progressOf.get(j.job_id) || {}).speed, 2, '×') },
      { key: 'fps', label: 'fps', num: true, value: (j) => (progressOf.get(j.job_id) || {}).fps,
        cell: (j) => fmt((progressOf.get(j.job_id) || {}).fps, 1) },
      { key: 'dropped', label: 'Dropped frames', num: true, value: (j) => (progressOf.get(j.job_id) || {}).drop_frames,
        cell: (j) => fmt((progressOf.get(j.job_id) || {}).drop_frames, 0) },
      { key: 'watts', label: 'W per stream', num: true, value: (j) => (progressOf.get(j.job_id) || {}).watts,
        cell: (j) => {
          const p = progressOf.get(j.job_id) || {};
          return h('span', { class: 'row' }, watts(p.watts, p.energy_provenance), p.watts != null ? provenanceBadge(p.energy_provenance) : null);
        } },
      { key: 'actions', label: '', cell: (j) => jobActions(j, () => reload()) },
    ], (j) => j.job_id, { empty: 'No live stream is running.', id: 'streams' });
    const totals = h('div', { class: 'summary', id: 'live-summary' });

    function summarise() {
      const rows = table.rows();
      const holding = rows.filter((j) => (progressOf.get(j.job_id) || {}).realtime === 'holding').length;
      const behind = rows.filter((j) => (progressOf.get(j.job_id) || {}).realtime === 'behind').length;
      clear(totals).append(figure('streams', String(rows.length)), figure('holding realtime', String(holding)),
        figure('behind', String(behind)));
    }

    async function load() {
      const [running, leased] = await Promise.all([
        get('/api/v1/jobs?state=running&limit=500'), get('/api/v1/jobs?state=leased&limit=500')]);
      if (s.ended) return;
      table.update(running.jobs.concat(leased.jobs).filter((j) => j.live));
      summarise();
    }
    const reload = s.debounce(1500, () => load().catch(() => {}));

    main.append(h('h1', {}, 'Live streams'), totals,
      h('p', { class: 'muted' }, 'A stream holds realtime when its encode keeps up with its input in every window of the job\'s rule; ',
        'W per stream is the job\'s share of its node\'s power.'), table.el);
    await load();
    s.on('progress', (p) => {
      rememberProgress(p);
      const row = table.rows().find((j) => j.job_id === p.job_id);
      if (row) {
        table.patch(p.job_id, row, ['realtime', 'speed', 'fps', 'dropped', 'watts']);
        summarise();
      }
    });
    s.on('state', reload);
    s.on('resync', reload);
    s.every(10000, () => load().catch(() => {}));
  }

  // ---------------------------------------------------------------------------------------------
  // Log in, log out, theme

  function showLogin(message) {
    $('#top').hidden = true;
    $('#view').hidden = true;
    $('#login').hidden = false;
    const err = $('#login-error');
    err.hidden = !message;
    err.textContent = message || '';
    $('#api-key').focus();
  }

  function started() {
    $('#login').hidden = true;
    $('#top').hidden = false;
    $('#who').textContent = `${session.subject} (${session.role})`;
    clearTimeout(expiryTimer);
    const left = Date.parse(session.expires_at) - Date.now();
    expiryTimer = setTimeout(() => logout('Your session expired: log in again.'), Math.max(0, Math.min(left, 2 ** 31 - 1)));
    stream.start();
    route();
  }

  async function exchange(body) {
    session = null;
    const token = await api('POST', '/api/v1/tokens', body);
    keep(token);
    started();
  }

  $('#login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const input = $('#api-key');
    const key = input.value.trim();
    $('#login-error').hidden = true;
    $('#login-submit').disabled = true;
    try {
      await exchange({ api_key: key });
      input.value = '';
    } catch (err) {
      showLogin(errorText(err));
    } finally {
      $('#login-submit').disabled = false;
    }
  });

  $('#logout').addEventListener('click', () => logout('Logged out.'));

  const THEME = 'ffrtmp.theme';
  function applyTheme(t) {
    if (t) document.documentElement.dataset.theme = t;
    else delete document.documentElement.dataset.theme;
  }
  applyTheme(localStorage.getItem(THEME));
  $('#theme').addEventListener('click', () => {
    const dark = document.documentElement.dataset.theme
      ? document.documentElement.dataset.theme === 'dark'
      : matchMedia('(prefers-color-scheme: dark)').matches;
    const next = dark ? 'light' : 'dark';
    localStorage.setItem(THEME, next);
    applyTheme(next);
    route(); // charts take their colours when drawn
  });

  window.addEventListener('hashchange', () => {
    if (location.hash.startsWith('#login=')) boot();
    else route();
  });

  // A login link (ffrtmp ui): its code leaves the address bar before anything else happens, and is
  // exchanged once.
  async function boot() {
    const m = location.hash.match(/^#login=([A-Za-z0-9_-]{1,200})$/);
    if (m) {
      history.replaceState(null, '', `${location.pathname}${location.search}#/fleet`);
      if (session) logout();
      try {
        await exchange({ login_code: m[1] });
        return;
      } catch (err) {
        showLogin(errorText(err));
        return;
      }
    }
    if (session && Date.parse(session.expires_at) > Date.now()) started();
    else {
      sessionStorage.removeItem(SESSION);
      session = null;
      showLogin();
    }
  }

  boot();
})();
