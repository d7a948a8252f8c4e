/* metalbench site: shared helpers and the data-file entry points. No network, no dependencies. */
(function () {
  'use strict';
  var mb = (window.metalbench = window.metalbench || {});
  mb.chunks = [];
  /** Data files call these (see site/chunks.ts and site/twins.ts); arch.js defines mb.arch for its own. */
  mb.chunk = function (c) { mb.chunks.push(c); };
  mb.index = function (d) { mb.indexData = d; };

  var TIME = [[1e-9, 'ns'], [1e-6, 'µs'], [1e-3, 'ms'], [1, 's']];
  var BIN = [[1, 'B'], [1024, 'KiB'], [1048576, 'MiB'], [1073741824, 'GiB']];
  var DEC = [[1, 'B'], [1e3, 'kB'], [1e6, 'MB'], [1e9, 'GB']];
  /** As site/units.ts: the display unit that keeps `typical` at 1 or more. */
  mb.displayUnit = function (unit, typical) {
    var slash = unit.indexOf('/');
    var base = slash < 0 ? unit : unit.slice(0, slash);
    var rest = slash < 0 ? '' : unit.slice(slash);
    var steps = base === 'sec' ? TIME : base === 'B' ? (rest === '/s' ? DEC : BIN) : null;
    if (!steps) return { factor: 1, label: unit };
    var best = steps[0];
    for (var i = 0; i < steps.length; i++) if (Math.abs(typical) >= steps[i][0]) best = steps[i];
    return { factor: best[0], label: best[1] + rest };
  };
  mb.num = function (x) {
    if (x === null || x === undefined || !isFinite(x)) return '—';
    if (x === 0) return '0';
    if (Math.abs(x) >= 1e4) return Math.round(x).toLocaleString('en-US');
    return String(Number(x.toPrecision(4)));
  };
  mb.value = function (v, du) { return mb.num(v / du.factor) + ' ' + du.label; };
  mb.pct = function (x) {
    var p = x * 100;
    var t = Math.abs(p) >= 10 ? p.toFixed(0) : p.toFixed(1);
    return (p > 0 ? '+' : '') + t + '%';
  };
  mb.higherIsBetter = function (unit) { return /\/s$/.test(unit); };
  mb.esc = function (s) {
    return String(s).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; });
  };
  /** The commit link of a revision, from the site's template (data-commit-url), or null. */
  mb.commitUrl = function (rev) {
    var t = document.body.getAttribute('data-commit-url');
    if (!t || !rev) return null;
    return t.split('{rev}').join(encodeURIComponent(rev));
  };
  mb.revHtml = function (rev) {
    if (!rev) return '';
    var short = rev.length > 12 ? rev.slice(0, 12) : rev;
    var url = mb.commitUrl(rev);
    var code = '<code>' + mb.esc(short) + '</code>';
    return url ? '<a href="' + mb.esc(url) + '">' + code + '</a>' : code;
  };
  mb.inHistory = function (trigger) {
    return document.body.getAttribute('data-history') === 'nightly' ? trigger === 'nightly' : trigger !== 'pr';
  };
  mb.hostColours = function () {
    var el = document.getElementById('hosts');
    return el ? JSON.parse(el.textContent) : {};
  };
})();
