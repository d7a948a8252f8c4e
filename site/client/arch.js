/* metalbench cross-architecture page: every benchmark on every host as a ratio to a chosen reference host. */
(function () {
  'use strict';
  var mb = window.metalbench;
  var d = mb.archData;
  var box = document.getElementById('arch-table');
  if (!d || !box) return;
  var colours = mb.hostColours();
  var ref = document.getElementById('ref');
  var unitSel = document.getElementById('arch-unit');
  var units = {};
  d.rows.forEach(function (r) { units[r[3]] = 1; });
  Object.keys(units).sort().forEach(function (u) {
    var o = document.createElement('option');
    o.value = o.textContent = u;
    unitSel.appendChild(o);
  });
  if (units['sec/op']) unitSel.value = 'sec/op';

  /** Ratio of medians with a conservative interval: the ratio of the CI ends. */
  function ratio(x, r) {
    if (!x || !r || r[0] === 0) return null;
    var lo = x[1] !== null && r[2] !== null && r[2] !== 0 ? x[1] / r[2] : null;
    var hi = x[2] !== null && r[1] !== null && r[1] !== 0 ? x[2] / r[1] : null;
    return [x[0] / r[0], lo, hi];
  }
  var f2 = function (x) { return x === null ? '?' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2); };

  function render() {
    var ri = Number(ref.value);
    var hosts = d.hosts;
    var head = '<tr><th>benchmark</th><th>unit</th>' + hosts.map(function (h, i) {
      return '<th class="num"><span class="sw" style="--c:var(--h' + (colours[h[0]] || 0) + ')"></span>' + mb.esc(h[0]) + (h[1] ? '<br><small>' + mb.esc(h[1]) + '</small>' : '') + (i === ri ? '<br><small>reference</small>' : '') + '</th>';
    }).join('') + '</tr>';
    var body = d.rows.filter(function (r) { return !unitSel.value || r[3] === unitSel.value; }).map(function (r) {
      var refv = r[4][ri];
      return '<tr><td class="name"><a href="bench/' + r[0] + '.html">' + mb.esc(r[1]) + '</a><br><small>' + mb.esc(r[2] || '(no pkg)') + '</small></td><td>' + mb.esc(r[3]) + '</td>' + r[4].map(function (x, i) {
        if (i === ri) return '<td class="num">' + (x ? mb.esc(mb.value(x[0], mb.displayUnit(r[3], x[0]))) : '—') + '</td>';
        var q = ratio(x, refv);
        if (!q) return '<td class="num">—</td>';
        // Green where this host does better than the reference: lower, or higher for throughput.
        var below = q[2] !== null && q[2] < 1, above = q[1] !== null && q[1] > 1;
        var good = mb.higherIsBetter(r[3]) ? above : below, bad = mb.higherIsBetter(r[3]) ? below : above;
        var cls = good ? 'lower' : bad ? 'higher' : 'same';
        return '<td class="num ' + cls + '">' + f2(q[0]) + '×<br><small>' + f2(q[1]) + '–' + f2(q[2]) + '</small></td>';
      }).join('') + '</tr>';
    });
    box.innerHTML = '<table id="ratios"><thead>' + head + '</thead><tbody>' + body.join('') + '</tbody></table>';
  }
  ref.addEventListener('change', render);
  unitSel.addEventListener('change', render);
  render();
  document.documentElement.setAttribute('data-arch', 'done');
})();
