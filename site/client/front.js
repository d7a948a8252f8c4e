/* metalbench front page: the searchable, filterable, sortable index of every series (data: index-data.js). */
(function () {
  'use strict';
  var mb = window.metalbench;
  var d = mb.indexData;
  var table = document.getElementById('index');
  if (!d || !table) return;
  var PAGE = 100;
  var LEVELS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  var form = document.getElementById('filters');
  var q = document.getElementById('q');
  var sort = document.getElementById('sort');
  var count = document.getElementById('count');
  var more = document.getElementById('more');
  var tbody = table.querySelector('tbody');
  var shown = PAGE;

  // Rows as objects, once.
  var rows = d.rows.map(function (r) {
    var page = d.pages[r[0]];
    var host = d.hosts[r[2]];
    return { base: page[0], pkg: page[1], name: page[2], unit: r[1], host: host, colour: r[2] % 10, trigger: r[3], arch: r[4] || '', history: r[5] === 1,
      med: r[6], lo: r[7], hi: r[8], at: r[9], run: r[10], rev: r[11], verdict: r[12], spark: r[13],
      text: ((page[1] || '') + ' ' + page[2] + ' ' + host + ' ' + r[1]).toLowerCase() };
  });

  function fill(id, values) {
    var sel = document.getElementById('f-' + id);
    values.sort().forEach(function (v) {
      var o = document.createElement('option');
      o.value = v;
      o.textContent = v || '(none)';
      sel.appendChild(o);
    });
    return sel;
  }
  function uniq(f) {
    var s = {};
    rows.forEach(function (r) { s[f(r)] = 1; });
    return Object.keys(s);
  }
  var sel = {
    pkg: fill('pkg', uniq(function (r) { return r.pkg || ''; })),
    host: fill('host', uniq(function (r) { return r.host; })),
    arch: fill('arch', uniq(function (r) { return r.arch; })),
    unit: fill('unit', uniq(function (r) { return r.unit; })),
    trigger: fill('trigger', uniq(function (r) { return r.trigger; }))
  };
  // History rows by default: PR and manual runs are a filter away.
  var hist = rows.filter(function (r) { return r.history; })[0];
  if (hist) sel.trigger.value = hist.trigger;

  // The filter state lives in the URL's hash, so a filtered index can be linked.
  function readHash() {
    var h = location.hash.slice(1);
    if (!h) return;
    h.split('&').forEach(function (kv) {
      var i = kv.indexOf('=');
      var k = decodeURIComponent(kv.slice(0, i)), v = decodeURIComponent(kv.slice(i + 1));
      if (k === 'q') q.value = v;
      else if (k === 'sort') sort.value = v;
      else if (sel[k]) sel[k].value = v;
    });
  }
  function writeHash() {
    var parts = [];
    if (q.value) parts.push('q=' + encodeURIComponent(q.value));
    Object.keys(sel).forEach(function (k) { if (sel[k].value) parts.push(k + '=' + encodeURIComponent(sel[k].value)); });
    if (sort.value !== 'change') parts.push('sort=' + sort.value);
    history.replaceState(null, '', parts.length ? '#' + parts.join('&') : location.pathname);
  }

  function score(r) {
    // Significant changes first, largest first; then the rest by size of change.
    var v = r.verdict;
    if (!v) return -2;
    return (v[2] ? 10 : 0) + Math.min(Math.abs(v[0]), 9.99);
  }

  function spark(r) {
    var s = r.spark;
    if (s.length < 2) return '';
    var w = 90, h = 22, pts = [];
    for (var i = 0; i < s.length; i++) pts.push(((i / (s.length - 1)) * (w - 2) + 1).toFixed(1) + ',' + (h - 2 - (LEVELS.indexOf(s[i]) / 61) * (h - 4)).toFixed(1));
    return '<svg class="spark" width="' + w + '" height="' + h + '" viewBox="0 0 ' + w + ' ' + h + '" role="img" aria-label="last ' + s.length + ' medians"><polyline points="' + pts.join(' ') + '" style="stroke:var(--h' + r.colour + ')"/></svg>';
  }

  function verdict(r) {
    var v = r.verdict;
    if (!v) return '<td class="same">no verdict</td>';
    if (v[3]) return '<td class="same" title="' + mb.esc(v[3]) + '">no verdict</td>';
    var f = function (x) { return x < 0.001 ? x.toExponential(0) : x.toFixed(3); };
    var p = 'p=' + f(v[1]) + (v[4] !== null ? ' q=' + f(v[4]) : '');
    if (!v[2]) return '<td class="same">~ ' + mb.esc(mb.pct(v[0])) + ' <small>(' + p + ')</small></td>';
    var worse = mb.higherIsBetter(r.unit) ? v[0] < 0 : v[0] > 0;
    return '<td class="' + (worse ? 'worse' : 'better') + '"><strong>' + mb.esc(mb.pct(v[0])) + '</strong> <small>(' + p + ')</small></td>';
  }

  function render() {
    var text = q.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var f = {};
    Object.keys(sel).forEach(function (k) { f[k] = sel[k].value; });
    var list = rows.filter(function (r) {
      if (f.pkg && (r.pkg || '') !== f.pkg) return false;
      if (f.host && r.host !== f.host) return false;
      if (f.arch && r.arch !== f.arch) return false;
      if (f.unit && r.unit !== f.unit) return false;
      if (f.trigger && r.trigger !== f.trigger) return false;
      for (var i = 0; i < text.length; i++) if (r.text.indexOf(text[i]) < 0) return false;
      return true;
    });
    if (sort.value === 'name') list.sort(function (a, b) { return a.text < b.text ? -1 : a.text > b.text ? 1 : 0; });
    else list.sort(function (a, b) { return score(b) - score(a) || (a.text < b.text ? -1 : 1); });
    var html = [];
    for (var i = 0; i < list.length && i < shown; i++) {
      var r = list[i];
      var du = mb.displayUnit(r.unit, r.med);
      html.push('<tr><td class="name"><a href="bench/' + r.base + '.html">' + mb.esc(r.name) + '</a><br><small>' + mb.esc(r.pkg || '(no pkg)') + '</small></td><td>' + mb.esc(r.unit) + '</td><td><span class="sw" style="--c:var(--h' + r.colour + ')"></span>' +
        mb.esc(r.host) + (r.trigger !== (hist && hist.trigger) ? ' <small>' + mb.esc(r.trigger) + '</small>' : '') + '</td><td>' + spark(r) + '</td><td class="num" title="' + mb.esc(r.at + ' run #' + r.run) + '">' + mb.esc(mb.value(r.med, du)) + '</td>' + verdict(r) + '</tr>');
    }
    tbody.innerHTML = html.join('');
    count.textContent = list.length === rows.length ? list.length + ' series' : list.length + ' of ' + rows.length + ' series';
    more.hidden = list.length <= shown;
    table.setAttribute('data-rows', String(list.length));
  }

  readHash();
  form.addEventListener('input', function () { shown = PAGE; writeHash(); render(); });
  form.addEventListener('submit', function (e) { e.preventDefault(); });
  more.addEventListener('click', function () { shown += PAGE * 5; render(); });
  render();
  document.documentElement.setAttribute('data-index-ms', String(Math.round(performance.now())));
  document.documentElement.setAttribute('data-index', 'done');
})();
