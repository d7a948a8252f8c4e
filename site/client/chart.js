/*
 * metalbench benchmark page: one SVG chart per unit from the page's data
 * files. Lines are the history runs per host (median, with the 95 % CI as a
 * band); a change of the host's environment (fingerprint) ends a line and
 * starts another, marked by a dashed rule. Pan and zoom with the mouse, the
 * keyboard or the buttons; click a point to pin its details and commit link.
 */
(function () {
  'use strict';
  var mb = window.metalbench;
  var SVGNS = 'http://www.w3.org/2000/svg';
  var DAY = 86400000;
  var colours = mb.hostColours();

  // Merge the months: unit → "host\0trigger" → points.
  var runs = {};
  var byUnit = {};
  mb.chunks.forEach(function (c) {
    for (var id in c.runs) runs[id] = c.runs[id];
    c.series.forEach(function (s) {
      var u = byUnit[s.unit] || (byUnit[s.unit] = {});
      var key = s.host + '\u0000' + s.trigger;
      var t = u[key] || (u[key] = { host: s.host, trigger: s.trigger, points: [] });
      for (var i = 0; i < s.points.length; i++) t.points.push(point(s.points[i], s));
    });
  });
  function point(p, s) {
    var r = runs[p[0]];
    return { run: p[0], at: r[0], t: Date.parse(r[0]), rev: r[1], variant: r[2], trigger: r[3], host: s.host, fp: p[1],
      n: p[2], med: p[3], lo: p[4], hi: p[5], q1: p[6], q3: p[7], min: p[8], max: p[9], nan: p[10] };
  }
  var byT = function (a, b) { return a.t - b.t || a.run - b.run; };

  function colour(host) { return 'var(--h' + (colours[host] || 0) + ')'; }

  /** History lines of a unit: per host, split where the fingerprint changes. */
  function segmentsOf(unit) {
    var segs = [];
    var rules = [];
    var series = byUnit[unit] || {};
    Object.keys(series).sort().forEach(function (k) {
      var s = series[k];
      if (!mb.inHistory(s.trigger)) return;
      var pts = s.points.slice().sort(byT);
      var cur = null;
      pts.forEach(function (p) {
        if (!cur || cur.fp !== p.fp) {
          if (cur) rules.push({ t: p.t, host: s.host, from: cur.fp, to: p.fp, at: p.at });
          cur = { host: s.host, fp: p.fp, trigger: s.trigger, pts: [] };
          segs.push(cur);
        }
        cur.pts.push(p);
      });
    });
    return { segs: segs, rules: rules };
  }

  function niceStep(span, count) {
    var raw = span / count;
    var mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var f = raw / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
  }

  function timeTicks(t0, t1) {
    var span = t1 - t0;
    var steps = [[DAY, 'day'], [2 * DAY, 'day', 2], [4 * DAY, 'day', 4], [7 * DAY, 'week'], [14 * DAY, 'day', 14], [30.4 * DAY, 'month'], [91.3 * DAY, 'quarter'], [365.25 * DAY, 'year']];
    var step = steps[steps.length - 1];
    for (var i = 0; i < steps.length; i++) if (span / steps[i][0] <= 8) { step = steps[i]; break; }
    var ticks = [];
    var d = new Date(t0);
    d.setUTCHours(0, 0, 0, 0);
    if (step[1] === 'month' || step[1] === 'quarter' || step[1] === 'year') d.setUTCDate(1);
    if (step[1] === 'year') d.setUTCMonth(0);
    if (step[1] === 'quarter') d.setUTCMonth(Math.floor(d.getUTCMonth() / 3) * 3);
    for (var guard = 0; guard < 400 && d.getTime() <= t1; guard++) {
      if (d.getTime() >= t0) ticks.push({ t: d.getTime(), label: step[1] === 'day' || step[1] === 'week' ? d.toISOString().slice(0, 10) : step[1] === 'year' ? String(d.getUTCFullYear()) : d.toISOString().slice(0, 7) });
      if (step[1] === 'day') d.setUTCDate(d.getUTCDate() + (step[2] || 1));
      else if (step[1] === 'week') d.setUTCDate(d.getUTCDate() + 7);
      else if (step[1] === 'month') d.setUTCMonth(d.getUTCMonth() + 1);
      else if (step[1] === 'quarter') d.setUTCMonth(d.getUTCMonth() + 3);
      else d.setUTCFullYear(d.getUTCFullYear() + 1);
    }
    return ticks;
  }

  function Chart(el) {
    this.el = el;
    this.unit = el.getAttribute('data-unit');
    var sr = segmentsOf(this.unit);
    this.segs = sr.segs;
    this.rules = sr.rules;
    var findingsEl = document.querySelector('script[data-findings="' + el.id + '"]');
    this.findings = findingsEl ? JSON.parse(findingsEl.textContent) : [];
    this.hidden = {};
    var all = [];
    this.segs.forEach(function (s) { all = all.concat(s.pts); });
    this.all = all;
    var typical = 0;
    all.forEach(function (p) { typical = Math.max(typical, Math.abs(p.med)); });
    this.du = mb.displayUnit(this.unit, typical);
    var t0 = Infinity, t1 = -Infinity;
    all.forEach(function (p) { t0 = Math.min(t0, p.t); t1 = Math.max(t1, p.t); });
    if (!isFinite(t0)) { t0 = Date.now() - DAY; t1 = Date.now(); }
    if (t1 - t0 < DAY) { t0 -= DAY / 2; t1 += DAY / 2; }
    var pad = (t1 - t0) * 0.02;
    this.full = [t0 - pad, t1 + pad];
    this.view = this.full.slice();
    this.pinned = null;
    this.build();
  }

  Chart.prototype.build = function () {
    var self = this;
    var el = this.el;
    el.innerHTML = '';
    var legend = document.createElement('div');
    legend.className = 'legend';
    var hosts = [];
    this.segs.forEach(function (s) { if (hosts.indexOf(s.host) < 0) hosts.push(s.host); });
    hosts.forEach(function (h) {
      var b = document.createElement('button');
      b.type = 'button';
      b.setAttribute('aria-pressed', 'true');
      b.innerHTML = '<span class="sw" style="--c:' + colour(h) + '"></span>' + mb.esc(h);
      b.addEventListener('click', function () {
        self.hidden[h] = !self.hidden[h];
        b.setAttribute('aria-pressed', self.hidden[h] ? 'false' : 'true');
        self.draw();
      });
      legend.appendChild(b);
    });
    if (this.segs.length === 0) {
      var p = document.createElement('p');
      p.textContent = 'No history runs for this unit; see the other runs below.';
      el.appendChild(p);
    }
    this.svgWrap = document.createElement('div');
    this.svgWrap.className = 'plot';
    this.tip = document.createElement('div');
    this.tip.className = 'tip';
    this.tip.hidden = true;
    el.appendChild(this.svgWrap);
    el.appendChild(this.tip);
    el.appendChild(legend);
    this.wire();
    this.draw();
    el.setAttribute('data-state', 'interactive');
  };

  Chart.prototype.layout = function () {
    var w = Math.max(300, Math.min(this.el.clientWidth || 640, 1000));
    return { w: w, h: w < 500 ? 220 : 280, l: 58, r: 12, t: 10, b: 28 };
  };

  Chart.prototype.visible = function () {
    var v = this.view, hidden = this.hidden;
    return this.all.filter(function (p) { return p.t >= v[0] && p.t <= v[1] && !hidden[p.host]; });
  };

  Chart.prototype.draw = function () {
    var L = this.layout();
    this.L = L;
    var du = this.du, v = this.view, hidden = this.hidden;
    var vis = this.visible();
    var lo = Infinity, hi = -Infinity;
    vis.forEach(function (p) {
      lo = Math.min(lo, p.lo !== null ? p.lo : p.med, p.med);
      hi = Math.max(hi, p.hi !== null ? p.hi : p.med, p.med);
    });
    if (!isFinite(lo)) { lo = 0; hi = 1; }
    lo /= du.factor; hi /= du.factor;
    if (lo === hi) { var padv = lo === 0 ? 1 : Math.abs(lo) * 0.1; lo -= padv; hi += padv; }
    var step = niceStep(hi - lo, 5);
    var y0 = Math.floor(lo / step) * step, y1 = Math.ceil(hi / step) * step;
    var pw = L.w - L.l - L.r, ph = L.h - L.t - L.b;
    var X = function (t) { return L.l + ((t - v[0]) / (v[1] - v[0])) * pw; };
    var Y = function (val) { return L.t + ph - ((val / du.factor - y0) / (y1 - y0)) * ph; };
    this.X = X; this.Y = Y;
    var out = [];
    var clip = this.el.id + '-clip';
    out.push('<svg xmlns="' + SVGNS + '" width="' + L.w + '" height="' + L.h + '" viewBox="0 0 ' + L.w + ' ' + L.h + '" aria-hidden="true" focusable="false">');
    out.push('<defs><clipPath id="' + clip + '"><rect x="' + L.l + '" y="' + L.t + '" width="' + pw + '" height="' + ph + '"/></clipPath></defs>');
    for (var y = y0; y <= y1 + step / 2; y += step) {
      var py = L.t + ph - ((y - y0) / (y1 - y0)) * ph;
      out.push('<line class="grid" x1="' + L.l + '" x2="' + (L.w - L.r) + '" y1="' + py.toFixed(1) + '" y2="' + py.toFixed(1) + '"/>');
      out.push('<text class="tick" x="' + (L.l - 6) + '" y="' + (py + 4).toFixed(1) + '" text-anchor="end">' + mb.esc(mb.num(Number(y.toPrecision(12)))) + '</text>');
    }
    out.push('<text class="axis" transform="rotate(-90)" x="' + -(L.t + ph / 2) + '" y="12" text-anchor="middle">' + mb.esc(du.label) + '</text>');
    timeTicks(v[0], v[1]).forEach(function (tk) {
      var px = X(tk.t);
      out.push('<line class="grid" x1="' + px.toFixed(1) + '" x2="' + px.toFixed(1) + '" y1="' + L.t + '" y2="' + (L.t + ph) + '"/>');
      out.push('<text class="tick" x="' + px.toFixed(1) + '" y="' + (L.h - 8) + '" text-anchor="middle">' + tk.label + '</text>');
    });
    out.push('<g clip-path="url(#' + clip + ')">');
    var r = vis.length > 600 ? 1.8 : vis.length > 150 ? 2.4 : 3.5;
    this.segs.forEach(function (s) {
      if (hidden[s.host]) return;
      var c = colour(s.host);
      var band = '', line = '';
      var upper = [], lower = [];
      var flush = function () {
        if (upper.length > 1) band += 'M' + upper.join('L') + 'L' + lower.reverse().join('L') + 'Z';
        upper = []; lower = [];
      };
      s.pts.forEach(function (p, i) {
        var px = X(p.t).toFixed(1);
        line += (i ? 'L' : 'M') + px + ',' + Y(p.med).toFixed(1);
        if (p.lo !== null && p.hi !== null) { upper.push(px + ',' + Y(p.hi).toFixed(1)); lower.push(px + ',' + Y(p.lo).toFixed(1)); }
        else flush();
      });
      flush();
      var attrs = ' data-host="' + mb.esc(s.host) + '" data-fp="' + mb.esc(s.fp || '') + '" data-trigger="' + mb.esc(s.trigger) + '"';
      if (band) out.push('<path class="band"' + attrs + ' d="' + band + '" style="fill:' + c + '"/>');
      out.push('<path class="seg"' + attrs + ' d="' + line + '" style="stroke:' + c + '"/>');
      s.pts.forEach(function (p) {
        if (p.t < v[0] || p.t > v[1]) return;
        out.push('<circle class="pt" data-run="' + p.run + '" data-host="' + mb.esc(p.host) + '" cx="' + X(p.t).toFixed(1) + '" cy="' + Y(p.med).toFixed(1) + '" r="' + r + '" style="fill:' + c + '"/>');
      });
    });
    this.rules.forEach(function (ru) {
      if (hidden[ru.host] || ru.t < v[0] || ru.t > v[1]) return;
      var px = X(ru.t).toFixed(1);
      out.push('<line class="env-rule" data-host="' + mb.esc(ru.host) + '" x1="' + px + '" x2="' + px + '" y1="' + L.t + '" y2="' + (L.t + ph) + '" style="stroke:' + colour(ru.host) + '"><title>' +
        mb.esc(ru.host + ': environment changed ' + (ru.from || '?') + ' → ' + (ru.to || '?')) + '</title></line>');
      out.push(label(px, L.t + 10, 'env-label', 'env · ' + ru.host));
    });
    this.findings.forEach(function (f) {
      var t = Date.parse(f.at);
      if (hidden[f.host] || t < v[0] || t > v[1]) return;
      var px = X(t).toFixed(1);
      out.push('<line class="finding ' + f.kind + '" data-finding x1="' + px + '" x2="' + px + '" y1="' + L.t + '" y2="' + (L.t + ph) + '"></line>');
      out.push(label(px, L.t + ph - 4, 'finding-label', (f.kind === 'alert' ? 'alert ' : 'change ') + mb.pct(f.change)));
    });
    function label(px, y, cls, text) {
      // Near the right edge the text goes left of its rule.
      var right = Number(px) > L.l + pw * 0.8;
      return '<text class="' + cls + '" x="' + (Number(px) + (right ? -3 : 3)) + '" y="' + y + '" text-anchor="' + (right ? 'end' : 'start') + '">' + mb.esc(text) + '</text>';
    }
    out.push('</g></svg>');
    this.svgWrap.innerHTML = out.join('');
    if (this.pinned) this.show(this.pinned, true);
  };

  Chart.prototype.nearest = function (clientX, clientY) {
    var rect = this.svgWrap.getBoundingClientRect();
    var x = clientX - rect.left, y = clientY - rect.top;
    var best = null, bd = 144;
    var X = this.X, Y = this.Y;
    this.visible().forEach(function (p) {
      var dx = X(p.t) - x, dy = Y(p.med) - y;
      var d = dx * dx + dy * dy;
      if (d < bd) { bd = d; best = p; }
    });
    return best;
  };

  Chart.prototype.show = function (p, pinned) {
    var du = this.du;
    var ci = p.lo !== null && p.hi !== null ? mb.num(p.lo / du.factor) + '–' + mb.value(p.hi, du) : 'needs more samples';
    this.tip.innerHTML =
      '<strong>' + mb.esc(p.host) + '</strong> · run #' + p.run + '<br>' + mb.esc(p.at.slice(0, 16).replace('T', ' ')) +
      (p.rev ? ' · ' + mb.revHtml(p.rev) : '') + '<br>median ' + mb.esc(mb.value(p.med, du)) + ' (n=' + p.n + ')<br>95% CI ' + mb.esc(ci) +
      (p.fp ? '<br>environment ' + mb.esc(p.fp) : '') + (pinned ? '<br><button type="button" class="close">close</button>' : '');
    this.tip.hidden = false;
    var px = this.X(p.t), py = this.Y(p.med);
    this.tip.style.left = Math.min(px + 10, this.L.w - 200) + 'px';
    this.tip.style.top = Math.max(py - 10, 0) + 'px';
    var self = this;
    var close = this.tip.querySelector('.close');
    if (close) close.addEventListener('click', function () { self.pinned = null; self.tip.hidden = true; self.el.focus(); });
  };

  Chart.prototype.zoom = function (factor, centre) {
    var v = this.view, f = this.full;
    var c = centre === undefined ? (v[0] + v[1]) / 2 : centre;
    var span = Math.max(2 * DAY, Math.min(f[1] - f[0], (v[1] - v[0]) * factor));
    var a = c - (c - v[0]) * (span / (v[1] - v[0]));
    this.view = this.clamp([a, a + span]);
    this.draw();
  };
  Chart.prototype.pan = function (frac) {
    var v = this.view, d = (v[1] - v[0]) * frac;
    this.view = this.clamp([v[0] + d, v[1] + d]);
    this.draw();
  };
  Chart.prototype.clamp = function (v) {
    var f = this.full, span = v[1] - v[0];
    if (v[0] < f[0]) v = [f[0], f[0] + span];
    if (v[1] > f[1]) v = [f[1] - span, f[1]];
    return [Math.max(v[0], f[0]), Math.min(v[1], f[1])];
  };
  Chart.prototype.last = function (days) {
    var f = this.full;
    this.view = days ? this.clamp([f[1] - days * DAY, f[1]]) : f.slice();
    this.draw();
  };

  Chart.prototype.wire = function () {
    var self = this, el = this.el, drag = null;
    el.addEventListener('pointermove', function (e) {
      if (drag) {
        var dx = e.clientX - drag.x;
        var pw = self.L.w - self.L.l - self.L.r;
        var d = (-dx / pw) * (drag.view[1] - drag.view[0]);
        self.view = self.clamp([drag.view[0] + d, drag.view[1] + d]);
        self.draw();
        return;
      }
      if (self.pinned) return;
      var p = self.nearest(e.clientX, e.clientY);
      if (p) self.show(p, false);
      else self.tip.hidden = true;
    });
    el.addEventListener('pointerleave', function () { if (!self.pinned) self.tip.hidden = true; drag = null; });
    el.addEventListener('pointerdown', function (e) {
      if (e.target.closest && e.target.closest('.tip, .legend')) return;
      drag = { x: e.clientX, view: self.view.slice(), moved: false, y: e.clientY };
    });
    el.addEventListener('pointerup', function (e) {
      var wasDrag = drag && Math.abs(e.clientX - drag.x) > 3;
      drag = null;
      if (wasDrag || (e.target.closest && e.target.closest('.tip, .legend'))) return;
      var p = self.nearest(e.clientX, e.clientY);
      self.pinned = p;
      if (p) self.show(p, true);
      else self.tip.hidden = true;
    });
    el.addEventListener('wheel', function (e) {
      e.preventDefault();
      var rect = self.svgWrap.getBoundingClientRect();
      var pw = self.L.w - self.L.l - self.L.r;
      var frac = (e.clientX - rect.left - self.L.l) / pw;
      var c = self.view[0] + Math.max(0, Math.min(1, frac)) * (self.view[1] - self.view[0]);
      self.zoom(e.deltaY > 0 ? 1.25 : 0.8, c);
    }, { passive: false });
    el.addEventListener('keydown', function (e) {
      var k = e.key;
      if (k === 'ArrowLeft') self.pan(-0.2);
      else if (k === 'ArrowRight') self.pan(0.2);
      else if (k === '+' || k === '=') self.zoom(0.8);
      else if (k === '-' || k === '_') self.zoom(1.25);
      else if (k === 'Home' || k === '0') self.last(0);
      else if (k === 'Escape') { self.pinned = null; self.tip.hidden = true; }
      else return;
      e.preventDefault();
    });
    var controls = document.querySelector('[data-controls="' + el.id + '"]');
    if (controls) controls.addEventListener('click', function (e) {
      var a = e.target.getAttribute && e.target.getAttribute('data-act');
      if (a === 'in') self.zoom(0.8);
      else if (a === 'out') self.zoom(1.25);
      else if (a === 'left') self.pan(-0.2);
      else if (a === 'right') self.pan(0.2);
      else if (a === 'all') self.last(0);
      else if (a) self.last(Number(a));
    });
    var resize = null;
    window.addEventListener('resize', function () { clearTimeout(resize); resize = setTimeout(function () { self.draw(); }, 100); });
  };

  // The table twin of a chart, drawn when opened: every history point, newest first.
  function tableOf(unit) {
    var pts = [];
    segmentsOf(unit).segs.forEach(function (s) { pts = pts.concat(s.pts); });
    pts.sort(function (a, b) { return b.t - a.t || b.run - a.run || (a.host < b.host ? -1 : 1); });
    var typical = 0;
    pts.forEach(function (p) { typical = Math.max(typical, Math.abs(p.med)); });
    var du = mb.displayUnit(unit, typical);
    var v = function (x) { return '<td class="num">' + mb.esc(mb.num(x === null ? null : x / du.factor)) + '</td>'; };
    var rows = pts.map(function (p) {
      return '<tr><td>' + mb.esc(p.at.slice(0, 10)) + '</td><td>' + mb.revHtml(p.rev) + '</td><td>#' + p.run + '</td><td>' + mb.esc(p.host) + '</td><td class="num">' + p.n + '</td>' +
        v(p.med) + v(p.lo) + v(p.hi) + v(p.q1) + v(p.q3) + v(p.min) + v(p.max) + '<td><code>' + mb.esc(p.fp || '') + '</code></td></tr>';
    });
    return '<table><thead><tr><th>date</th><th>revision</th><th>run</th><th>host</th><th class="num">n</th><th class="num">median (' + mb.esc(du.label) + ')</th><th class="num">CI low</th><th class="num">CI high</th><th class="num">q1</th><th class="num">q3</th><th class="num">min</th><th class="num">max</th><th>environment</th></tr></thead><tbody>' + rows.join('') + '</tbody></table>';
  }

  function otherRuns() {
    var box = document.getElementById('other-runs');
    if (!box) return;
    var rows = [];
    Object.keys(byUnit).forEach(function (unit) {
      Object.keys(byUnit[unit]).forEach(function (k) {
        var s = byUnit[unit][k];
        if (mb.inHistory(s.trigger)) return;
        s.points.forEach(function (p) { rows.push({ unit: unit, p: p }); });
      });
    });
    rows.sort(function (a, b) { return b.p.t - a.p.t || b.p.run - a.p.run; });
    box.innerHTML = '<table id="other-table"><thead><tr><th>date</th><th>trigger</th><th>run</th><th>revision</th><th>variant</th><th>host</th><th>unit</th><th class="num">median</th><th>95% CI</th></tr></thead><tbody>' +
      rows.map(function (r) {
        var p = r.p, du = mb.displayUnit(r.unit, p.med);
        return '<tr data-run="' + p.run + '"><td>' + mb.esc(p.at.slice(0, 10)) + '</td><td>' + mb.esc(p.trigger) + '</td><td>#' + p.run + '</td><td>' + mb.revHtml(p.rev) + '</td><td>' + mb.esc(p.variant || '') + '</td><td>' + mb.esc(p.host) +
          '</td><td>' + mb.esc(r.unit) + '</td><td class="num">' + mb.esc(mb.value(p.med, du)) + '</td><td>' + (p.lo !== null && p.hi !== null ? mb.esc(mb.num(p.lo / du.factor) + '–' + mb.value(p.hi, du)) : '—') + '</td></tr>';
      }).join('') + '</tbody></table>';
  }

  var charts = Array.prototype.slice.call(document.querySelectorAll('[data-chart]')).map(function (el) {
    var c = new Chart(el);
    var details = document.querySelector('details[data-table="' + el.id + '"]');
    if (details) details.addEventListener('toggle', function () {
      var box = details.querySelector('.scroll');
      if (details.open && !box.firstChild) box.innerHTML = tableOf(c.unit);
    });
    return c;
  });
  otherRuns();
  mb.charts = charts;
  document.documentElement.setAttribute('data-charts-ms', String(Math.round(performance.now())));
  document.documentElement.setAttribute('data-charts', 'done');
})();
