/**
 * The inspector page's script (plain ES2020, no build step): it follows
 * `api/stream` (Server-Sent Events), keeps its own bounded copy of the actors
 * and events (the limits the server sends), and draws the actor tree, the
 * selected actor's statechart (mermaid when loaded, else an indented tree),
 * its context and the event log. Every value goes into the DOM as text.
 *
 * @module
 */

/**
 * `app.js`.
 *
 * @example
 * ```ts
 * res.writeHead(200, { 'content-type': 'text/javascript' }).end(PAGE_SCRIPT);
 * ```
 */
export const PAGE_SCRIPT = String.raw`(function () {
  'use strict';
  var MAX_ROWS = 300;
  var limits = { maxActors: 1000, maxEvents: 5000, maxEventsPerActor: 200, maxValueLength: 2048 };
  var actors = new Map();
  var events = [];
  var perActor = new Map();
  var totals = {};
  var pageDropped = 0;
  var selected = null;
  var chartKey = null;
  var chartSeq = 0;
  var pending = false;
  var useMermaid = document.body.getAttribute('data-mermaid') === '1' && typeof window.mermaid === 'object';
  if (useMermaid) window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function time(at) {
    var d = new Date(at);
    function pad(n, w) { var s = String(n); while (s.length < w) s = '0' + s; return s; }
    return pad(d.getHours(), 2) + ':' + pad(d.getMinutes(), 2) + ':' + pad(d.getSeconds(), 2) + '.' + pad(d.getMilliseconds(), 3);
  }

  function addEvent(e) {
    events.push(e);
    perActor.set(e.sessionId, (perActor.get(e.sessionId) || 0) + 1);
    if (perActor.get(e.sessionId) > limits.maxEventsPerActor) {
      for (var i = 0; i < events.length; i++) {
        if (events[i].sessionId === e.sessionId) { events.splice(i, 1); break; }
      }
      perActor.set(e.sessionId, perActor.get(e.sessionId) - 1);
      pageDropped++;
    }
    while (events.length > limits.maxEvents) {
      var old = events.shift();
      perActor.set(old.sessionId, perActor.get(old.sessionId) - 1);
      pageDropped++;
    }
  }

  function init(state) {
    limits = state.limits;
    totals = state.totals;
    actors.clear();
    events = [];
    perActor.clear();
    state.actors.forEach(function (a) { actors.set(a.sessionId, a); });
    state.events.forEach(addEvent);
    schedule();
  }

  function update(msg) {
    (msg.removed || []).forEach(function (id) { actors.delete(id); });
    (msg.actors || []).forEach(function (a) { actors.set(a.sessionId, a); });
    (msg.events || []).forEach(addEvent);
    totals = msg.totals || totals;
    while (actors.size > limits.maxActors) actors.delete(actors.keys().next().value);
    schedule();
  }

  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; render(); });
  }

  function render() {
    renderTree();
    renderDetails();
    renderLog();
    renderTotals();
  }

  function renderTotals() {
    $('totals').textContent = (totals.actors || 0) + ' actors, ' + (totals.events || 0) + ' events buffered of ' + (totals.received || 0) + ' received';
    var parts = [];
    if (totals.droppedEvents) parts.push(totals.droppedEvents + ' dropped by the server');
    if (pageDropped) parts.push(pageDropped + ' dropped by this page');
    if (totals.droppedActors) parts.push(totals.droppedActors + ' actors forgotten');
    $('dropped').textContent = parts.length ? '(' + parts.join(', ') + ')' : '';
    $('dropped').setAttribute('data-dropped', String(totals.droppedEvents || 0));
  }

  function renderTree() {
    var children = new Map();
    var roots = [];
    actors.forEach(function (a) {
      if (a.parentId && actors.has(a.parentId)) {
        if (!children.has(a.parentId)) children.set(a.parentId, []);
        children.get(a.parentId).push(a);
      } else roots.push(a);
    });
    function item(a) {
      var li = el('li');
      li.setAttribute('data-session', a.sessionId);
      li.setAttribute('data-id', a.id);
      li.setAttribute('data-status', a.status);
      if (a.state !== undefined) li.setAttribute('data-state', a.state);
      if (a.sessionId === selected) li.className = 'selected';
      var b = el('button');
      b.appendChild(el('span', 'id', a.id));
      if (a.machineId && a.machineId !== a.id) b.appendChild(el('span', 'machine', ' (' + a.machineId + ')'));
      if (a.state !== undefined) b.appendChild(el('span', 'state', ' ' + a.state));
      b.appendChild(el('span', 'status', ' ' + a.status));
      if (a.origin === 'browser') b.appendChild(el('span', 'origin', 'browser'));
      b.title = a.sessionId + (a.parentId ? ' (parent ' + a.parentId + ')' : '');
      b.addEventListener('click', function () { select(a.sessionId); });
      li.appendChild(b);
      var kids = children.get(a.sessionId);
      if (kids) {
        var ul = el('ul');
        kids.forEach(function (k) { ul.appendChild(item(k)); });
        li.appendChild(ul);
      }
      return li;
    }
    var tree = $('tree');
    tree.replaceChildren.apply(tree, roots.map(item));
  }

  function select(id) {
    selected = id;
    chartKey = null;
    render();
  }

  function renderDetails() {
    var a = selected && actors.get(selected);
    if (!a) {
      $('selected-title').textContent = selected ? 'Actor gone' : 'Select an actor';
      $('selected-meta').textContent = '';
      $('context').textContent = '';
      $('chart').replaceChildren();
      $('note').hidden = true;
      return;
    }
    $('selected-title').textContent = a.id + (a.machineId ? ' (' + a.machineId + ')' : '');
    $('selected-meta').textContent = 'session ' + a.sessionId + (a.parentId ? ', parent ' + a.parentId : '') + ', ' + a.status + (a.state !== undefined ? ', in ' + a.state : '') + ', ' + a.received + ' events (' + a.dropped + ' dropped)';
    $('context').textContent = a.context === undefined ? '(none)' : a.context;
    var key = a.sessionId + '|' + a.state + '|' + a.status;
    if (key !== chartKey) {
      chartKey = key;
      drawChart(a);
    }
  }

  function drawChart(a) {
    var seq = ++chartSeq;
    if (!a.hasMachine) {
      $('chart').replaceChildren(el('p', 'note', 'not a state machine: no statechart'));
      $('note').hidden = true;
      return;
    }
    fetch('api/actor?session=' + encodeURIComponent(a.sessionId)).then(function (r) { return r.ok ? r.json() : null; }).then(function (view) {
      if (seq !== chartSeq || !view || !view.tree) return;
      if (useMermaid && view.mermaid) {
        window.mermaid.render('chart-svg-' + seq, view.mermaid).then(function (out) {
          if (seq !== chartSeq) return;
          var box = $('chart');
          box.innerHTML = out.svg;
          box.setAttribute('data-active', view.active.join(' '));
          $('note').hidden = true;
        }, function () { drawTree(view, 'mermaid could not draw this chart; the states:'); });
      } else {
        drawTree(view, useMermaid ? '' : 'npm install mermaid for diagrams');
      }
    }, function () {});
  }

  function drawTree(view, note) {
    function node(n) {
      var li = el('li', n.active ? 'active' : '');
      li.setAttribute('data-state-id', n.id);
      li.appendChild(el('span', '', n.key + (n.type === 'final' ? ' (final)' : n.type === 'parallel' ? ' (parallel)' : '')));
      if (n.children.length) {
        var ul = el('ul');
        n.children.forEach(function (c) { ul.appendChild(node(c)); });
        li.appendChild(ul);
      }
      return li;
    }
    var ul = el('ul', 'states');
    view.tree.children.forEach(function (c) { ul.appendChild(node(c)); });
    var box = $('chart');
    box.replaceChildren(ul);
    box.setAttribute('data-active', view.active.join(' '));
    $('note').textContent = note;
    $('note').hidden = !note;
  }

  function renderLog() {
    var list = selected ? events.filter(function (e) { return e.sessionId === selected; }) : events;
    $('log-scope').textContent = selected ? 'of ' + ((actors.get(selected) || {}).id || selected) : 'of every actor';
    var rows = [];
    for (var i = list.length - 1; i >= 0 && rows.length < MAX_ROWS; i--) {
      var e = list[i];
      var tr = el('tr');
      tr.setAttribute('data-seq', String(e.seq));
      var who = actors.get(e.sessionId);
      tr.appendChild(el('td', '', time(e.at)));
      tr.appendChild(el('td', '', who ? who.id : e.sessionId));
      tr.appendChild(el('td', 'type', e.type));
      tr.appendChild(el('td', '', e.state === undefined ? '' : e.state));
      var payload = el('td', 'payload', e.event);
      payload.title = e.event;
      tr.appendChild(payload);
      rows.push(tr);
    }
    var body = $('log').tBodies[0];
    body.replaceChildren.apply(body, rows);
  }

  var stream = new EventSource('api/stream');
  stream.onopen = function () { $('connection').textContent = 'live'; $('connection').className = 'connection live'; };
  stream.onerror = function () { $('connection').textContent = 'reconnecting…'; $('connection').className = 'connection'; };
  stream.onmessage = function (m) {
    var msg = JSON.parse(m.data);
    if (msg.type === 'init') init(msg.state);
    else if (msg.type === 'update') update(msg);
  };
  window.statewireInspector = { actors: function () { return actors; }, events: function () { return events; }, limits: function () { return limits; }, pageDropped: function () { return pageDropped; }, select: select };
})();
`;
