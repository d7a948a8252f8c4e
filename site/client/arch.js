/* metalbench cross-architecture page: for a picked commit, every benchmark on every host as a ratio to a chosen reference host. */
(function () {
  'use strict';
  var mb = window.metalbench;
  var box = document.getElementById('arch-table');
  var revSel = document.getElementById('rev');
  if (!box || !revSel) return;
  var colours = mb.hostColours();
  var ref = document.getElementById('ref');
  var unitSel = document.getElementById('arch-unit');
  var info = document.getElementById('arch-commit');
  /** Loaded commits by key; each data file calls metalbench.arch(). */
  var loaded = {};
  var current = null;
  var wanted = { ref: '', unit: 'sec/op' };

  /** Ratio of medians with a conservative interval: the ratio of the CI ends. */
  function ratio(x, r) {
    if (!x || !r || r[0] === 0) return null;
    var lo = x[1] !== null && r[2] !== null && r[2] !== 0 ? x[1] / r[2] : null;
    var hi = x[2] !== null && r[1] !== null && r[1] !== 0 ? x[2] / r[1] : null;
    return [x[0] / r[0], lo, hi];
  }
  var f2 = function (x) { return x === null ? '?' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2); };
  /** A column's name: the host, then its variant and toolchain when the commit has more than one. */
  function columnLabel(c) {
    return [c[0], c[2], c[3]].filter(function (x) { return x !== null; }).join(' · ');
  }

  function fillSelect(sel, values, keep, first) {
    sel.innerHTML = (first ? '<option value="">' + mb.esc(first) + '</option>' : '') + values.map(function (v) {
      return '<option value="' + mb.esc(v[0]) + '">' + mb.esc(v[1]) + '</option>';
    }).join('');
    if (values.some(function (v) { return v[0] === keep; })) sel.value = keep;
  }

  function show(d) {
    current = d;
    var labels = d.hosts.map(columnLabel);
    fillSelect(ref, d.hosts.map(function (c, i) { return [labels[i], labels[i] + (c[1] ? ' (' + c[1] + ')' : '')]; }), wanted.ref);
    var units = {};
    d.rows.forEach(function (r) { units[r[1]] = 1; });
    fillSelect(unitSel, Object.keys(units).sort().map(function (u) { return [u, u]; }), wanted.unit, 'all');
    var parts = ['Commit ' + (d.revision ? mb.revHtml(d.revision) : '(unknown)') + ' of ' + mb.esc(d.at.slice(0, 10)), 'run' + (d.runs.length === 1 ? ' ' : 's ') + d.runs.map(function (r) { return '#' + r; }).join(', ')];
    if (d.variants.length) parts.push('variant' + (d.variants.length === 1 ? ' ' : 's ') + d.variants.map(mb.esc).join(', '));
    if (d.toolchains.length) parts.push('toolchain' + (d.toolchains.length === 1 ? ' ' : 's ') + d.toolchains.map(mb.esc).join(', '));
    info.innerHTML = parts.join(' · ') + ' · <a href="arch/' + d.key + '.js">data</a>';
    Array.prototype.forEach.call(document.querySelectorAll('#arch-commits tr[data-rev]'), function (tr) {
      if (tr.getAttribute('data-rev') === d.key) tr.setAttribute('aria-current', 'true');
      else tr.removeAttribute('aria-current');
    });
    render();
  }

  function render() {
    var d = current;
    if (!d) return;
    var labels = d.hosts.map(columnLabel);
    var ri = Math.max(0, labels.indexOf(ref.value));
    var head = '<tr><th>benchmark</th><th>unit</th>' + d.hosts.map(function (c, i) {
      return '<th class="num" data-col="' + mb.esc(labels[i]) + '"><span class="sw" style="--c:var(--h' + (colours[c[0]] || 0) + ')"></span>' + mb.esc(labels[i]) + (c[1] ? '<br><small>' + mb.esc(c[1]) + '</small>' : '') + (i === ri ? '<br><small>reference</small>' : '') + '</th>';
    }).join('') + '</tr>';
    if (d.rows.length === 0) {
      box.innerHTML = '<p id="ratios" data-rev="' + d.key + '">No results were stored for this commit: its runs failed, or measured nothing.</p>';
      document.documentElement.setAttribute('data-arch', 'done');
      return;
    }
    var body = d.rows.filter(function (r) { return !unitSel.value || r[1] === unitSel.value; }).map(function (r) {
      var page = d.pages[r[0]];
      var refv = r[2][ri];
      return '<tr><td class="name"><a href="bench/' + page[0] + '.html">' + mb.esc(page[1]) + '</a><br><small>' + mb.esc(page[2] || '(no pkg)') + '</small></td><td>' + mb.esc(r[1]) + '</td>' + r[2].map(function (x, i) {
        if (i === ri) return '<td class="num">' + (x ? mb.esc(mb.value(x[0], mb.displayUnit(r[1], x[0]))) : '—') + '</td>';
        var q = ratio(x, refv);
        if (!q) return '<td class="num">—</td>';
        // Green where this host does better than the reference: lower, or higher for throughput.
        var below = q[2] !== null && q[2] < 1, above = q[1] !== null && q[1] > 1;
        var good = mb.higherIsBetter(r[1]) ? above : below, bad = mb.higherIsBetter(r[1]) ? below : above;
        var cls = good ? 'lower' : bad ? 'higher' : 'same';
        return '<td class="num ' + cls + '">' + f2(q[0]) + '×<br><small>' + f2(q[1]) + '–' + f2(q[2]) + '</small></td>';
      }).join('') + '</tr>';
    });
    box.innerHTML = '<table id="ratios" data-rev="' + d.key + '"><thead>' + head + '</thead><tbody>' + body.join('') + '</tbody></table>';
    document.documentElement.setAttribute('data-arch', 'done');
  }

  /** Show a commit, loading its data file first when needed (a <script>: fetch() is refused from file://). */
  function pick(key) {
    revSel.value = key;
    document.documentElement.setAttribute('data-arch', 'loading');
    if (loaded[key]) return show(loaded[key]);
    var s = document.createElement('script');
    s.src = 'arch/' + key + '.js';
    s.onerror = function () {
      box.innerHTML = '<p>The data of this commit (arch/' + mb.esc(key) + '.js) is missing: build the site again.</p>';
      document.documentElement.setAttribute('data-arch', 'error');
    };
    document.body.appendChild(s);
  }
  mb.arch = function (d) {
    loaded[d.key] = d;
    if (d.key === revSel.value) show(d);
  };

  /** The state lives in the address (#rev=…&ref=…&unit=…), so a view can be linked. */
  function fromHash() {
    var h = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (kv) {
      var i = kv.indexOf('=');
      if (i <= 0) return;
      try {
        h[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1));
      } catch (e) {
        // A mangled address part is ignored: the defaults apply.
      }
    });
    if (h.ref !== undefined) wanted.ref = h.ref;
    if (h.unit !== undefined) wanted.unit = h.unit;
    var keys = Array.prototype.map.call(revSel.options, function (o) { return o.value; });
    var key = keys.indexOf(h.rev) >= 0 ? h.rev : keys[0];
    if (!current || current.key !== key) pick(key);
    else show(current);
  }
  function toHash() {
    var parts = ['rev=' + encodeURIComponent(revSel.value)];
    if (ref.value) parts.push('ref=' + encodeURIComponent(ref.value));
    parts.push('unit=' + encodeURIComponent(unitSel.value));
    history.replaceState(null, '', '#' + parts.join('&'));
  }
  revSel.addEventListener('change', function () { toHash(); pick(revSel.value); });
  ref.addEventListener('change', function () { wanted.ref = ref.value; toHash(); render(); });
  unitSel.addEventListener('change', function () { wanted.unit = unitSel.value; toHash(); render(); });
  window.addEventListener('hashchange', fromHash);
  fromHash();
})();
