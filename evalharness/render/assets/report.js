/* evalharness HTML report. Every text from the report goes through textContent or
   an attribute set with setAttribute on a non-URL attribute; nothing is parsed as HTML. */
(function () {
  "use strict";
  var t0 = performance.now();
  var D = JSON.parse(document.getElementById("eh-data").textContent);
  var SVGNS = "http://www.w3.org/2000/svg";
  var COLORS = ["#1565c0", "#e65100", "#2e7d32", "#6a1b9a", "#00838f", "#ad1457", "#5d4037", "#455a64"];
  var state = { flagged: false, regressed: false, unchanged: false, systems: {}, selected: null, claim: null };
  D.systems.forEach(function (s) { state.systems[s] = true; });

  function el(tag, attrs, kids) {
    var n = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (k === "text") n.textContent = attrs[k];
      else if (k === "cls") n.className = attrs[k];
      else n.setAttribute(k, attrs[k]);
    }
    (kids || []).forEach(function (c) { if (c != null) n.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return n;
  }
  function sv(tag, attrs, kids) {
    var n = document.createElementNS(SVGNS, tag);
    if (attrs) for (var k in attrs) { if (k === "text") n.textContent = attrs[k]; else n.setAttribute(k, attrs[k]); }
    (kids || []).forEach(function (c) { if (c) n.appendChild(c); });
    return n;
  }
  function fmt(v) { return (v === undefined || v === null) ? "n/a" : (Math.abs(v) >= 1 && Number.isInteger(v) ? String(v) : v.toFixed(3)); }
  function sgn(v) { return (v >= 0 ? "+" : "") + v.toFixed(3); }
  function color(i) { return COLORS[i % COLORS.length]; }
  function sysIndex(s) { return D.systems.indexOf(s); }
  function activeSystems() { return D.systems.filter(function (s) { return state.systems[s]; }); }
  function hib(m) { return D.metrics[m] !== false; }

  function caseFlagged(c) {
    return c.c.some(function (k) { return state.systems[k.s] && (k.cl.some(function (x) { return !x.ok; }) || Object.keys(k.err).length); });
  }
  function caseRegressed(c) {
    if (!D.cmp) return false;
    var ch = D.cmp.changes[c.id] || {};
    return Object.keys(ch).some(function (s) { return state.systems[s] && ch[s].reg; });
  }
  function visibleCases() {
    return D.cases.filter(function (c) {
      if (!c.c.some(function (k) { return state.systems[k.s]; })) return false;
      if (state.flagged && !caseFlagged(c)) return false;
      if (state.regressed && !caseRegressed(c)) return false;
      return true;
    });
  }

  /* ---------- header, verdict, filters ---------- */
  var app = document.getElementById("app");
  var header = el("header", { id: "top" });
  header.appendChild(el("h1", { text: "evalharness report" }));
  header.appendChild(el("span", { id: "verdict", cls: "verdict " + (D.gate.passed ? "pass" : "fail"),
    text: D.gate.passed ? "gate passed" : "gate failed (" + D.gate.failures.length + ")" }));
  header.appendChild(el("span", { cls: "muted small", text: "  " + D.cases.length + " case(s), " + D.systems.length +
    " system(s)" + (D.started ? ", run " + D.started : "") + (D.cmp ? ", compared with " + D.cmp.base : "") }));
  var filters = el("div", { cls: "filters", id: "filters" });
  function checkbox(id, label, checked, disabled, onchange) {
    var box = el("input", { type: "checkbox", id: id });
    box.checked = checked; box.disabled = !!disabled;
    box.addEventListener("change", function () { onchange(box.checked); });
    return el("label", { "for": id }, [box, " " + label]);
  }
  filters.appendChild(checkbox("f-flagged", "only flagged", false, false, function (v) { state.flagged = v; refresh(); }));
  filters.appendChild(checkbox("f-regressed", "only regressions", false, !D.cmp, function (v) { state.regressed = v; refresh(); }));
  filters.appendChild(el("span", { text: "systems:" }));
  D.systems.forEach(function (s, i) {
    var lab = checkbox("f-sys-" + i, s, true, false, function (v) { state.systems[s] = v; refresh(); });
    lab.querySelector("input").className = "f-system";
    lab.querySelector("input").setAttribute("data-system", s);
    lab.style.color = color(i);
    filters.appendChild(lab);
  });
  header.appendChild(filters);
  app.appendChild(header);
  var main = el("main");
  app.appendChild(main);

  /* newly flagged claims against the baseline: first on the page */
  if (D.cmp && D.cmp.nf && D.cmp.nf.length) {
    var nfl = el("ul", { cls: "newflags", id: "new-flags-list" });
    D.cmp.nf.forEach(function (f) {
      var li = el("li", { "data-case": f[0] }, [el("b", { text: "case " + f[0] + " / " + f[1] + (f[2] !== f[1] ? " (baseline: " + f[2] + ")" : "") }),
        ": \u201c" + f[3] + "\u201d" + (f[4].length ? "  offending: " + f[4].map(function (w) { return "\u201c" + w + "\u201d"; }).join(", ") : "")]);
      li.addEventListener("click", function () { select(f[0]); if (secDrill.scrollIntoView) secDrill.scrollIntoView(); });
      nfl.appendChild(li);
    });
    main.appendChild(el("section", { id: "new-flags" }, [el("h2", { text: "Newly flagged against the baseline (" + D.cmp.nf.length + ")" }), nfl]));
  }
  if (D.cmp && D.cmp.warnings && D.cmp.warnings.length) {
    var wl = el("ul", { cls: "warnings", id: "warnings" });
    D.cmp.warnings.forEach(function (w) { wl.appendChild(el("li", { text: "warning: " + w })); });
    main.appendChild(el("section", { id: "warnings-section" }, [wl]));
  }

  if (!D.gate.passed) {
    var ul = el("ul", { cls: "failures", id: "failures" });
    D.gate.failures.forEach(function (f) { ul.appendChild(el("li", {}, [el("b", { text: f[0] }), ": " + f[1]])); });
    main.appendChild(el("section", { id: "gate" }, [el("h2", { text: "Gate failures" }), ul]));
  }

  var secDeltas = D.cmp ? el("section", { id: "deltas" }) : null;
  var secSystems = el("section", { id: "systems" });
  var secDist = el("section", { id: "distributions" });
  var secHeat = el("section", { id: "heatmap-section" });
  var secCases = el("section", { id: "cases" });
  var secDrill = el("section", { id: "drilldown" });
  [secDeltas, secSystems, secDist, secHeat, secCases, secDrill].forEach(function (s) { if (s) main.appendChild(s); });

  function legend() {
    var lg = el("div", { cls: "legend" });
    activeSystems().forEach(function (s) {
      var i = el("i"); i.style.background = color(sysIndex(s));
      lg.appendChild(el("span", {}, [i, s]));
    });
    return lg;
  }

  /* ---------- deltas against the baseline ---------- */
  function unchangedDelta(d) {  /* no move at all: delta and its interval are 0 */
    return Math.abs(d[5]) < 1e-12 && Math.abs(d[6]) < 1e-12 && Math.abs(d[7]) < 1e-12;
  }
  function drawDeltas() {
    if (!secDeltas) return;
    secDeltas.textContent = "";
    secDeltas.appendChild(el("h2", { text: "Against the baseline: " + D.cmp.base }));
    var info = [];
    if (D.cmp.missing.length) info.push("cases only in the baseline (" + D.cmp.missing.length + "): " + D.cmp.missing.join(", "));
    if (D.cmp.extra.length) info.push("cases only in this run (" + D.cmp.extra.length + "): " + D.cmp.extra.join(", "));
    if (D.cmp.msys.length) info.push("systems only in the baseline: " + D.cmp.msys.join(", "));
    if (D.cmp.xsys.length) info.push("systems only in this run: " + D.cmp.xsys.join(", "));
    (D.cmp.pairs || []).forEach(function (p) { info.push("paired: " + p[0] + " (this run) with " + p[1] + " (baseline)"); });
    D.cmp.mcand.forEach(function (p) { info.push("case " + p[0] + ": " + p[1] + " has a summary on one side only"); });
    D.cmp.notes.forEach(function (n) { info.push("note: " + n); });
    info.forEach(function (t) { secDeltas.appendChild(el("div", { cls: "small muted coverage", text: t })); });
    var rows = D.cmp.deltas.filter(function (d) { return state.systems[d[0]] && D.shown.indexOf(d[1]) >= 0; });
    var unchanged = rows.filter(function (d) { return unchangedDelta(d); }).length;
    if (unchanged) {
      var tog = checkbox("f-unchanged", "show the " + unchanged + " unchanged row(s) (delta 0)", state.unchanged, false,
        function (v) { state.unchanged = v; drawDeltas(); });
      tog.className = "small muted";
      secDeltas.appendChild(el("div", { id: "unchanged-toggle" }, [tog]));
    }
    var tb = el("tbody");
    var table = el("table", { id: "delta-table" }, [el("thead", {}, [el("tr", {}, ["system", "metric", "base", "new", "delta", "CI of delta", "p", "n"].map(function (h) { return el("th", { text: h }); }))]), tb]);
    rows.forEach(function (d) {
      if (!state.unchanged && unchangedDelta(d)) return;
      var worse = d[2] ? d[5] < 0 : d[5] > 0;
      var tr = el("tr", { cls: d[10] && d[5] !== 0 ? (worse ? "worse" : "better") : "" }, [
        el("td", { text: d[0] }), el("td", { text: d[1] + (d[2] ? " \u2191" : " \u2193") }),
        el("td", { cls: "num", text: fmt(d[3]) }), el("td", { cls: "num", text: fmt(d[4]) }),
        el("td", { cls: "num delta", text: sgn(d[5]) + (d[10] ? " *" : "") }),
        el("td", { cls: "num", text: "[" + sgn(d[6]) + ", " + sgn(d[7]) + "]" }),
        el("td", { cls: "num", text: d[8].toPrecision(3) }), el("td", { cls: "num", text: String(d[9]) })]);
      tb.appendChild(tr);
    });
    secDeltas.appendChild(table);
    secDeltas.appendChild(el("div", { cls: "small muted", text: "paired over shared cases; * = p < " + D.cmp.alpha }));
  }

  /* ---------- system comparison chart: means with CIs ---------- */
  function range(metric, vals) {
    var lo = Math.min.apply(null, vals), hi = Math.max.apply(null, vals);
    if (lo >= 0 && hi <= 1) return [0, 1];
    if (lo === hi) { lo -= 1; hi += 1; }
    var pad = (hi - lo) * 0.05; return [lo - pad, hi + pad];
  }
  function drawSystems() {
    secSystems.textContent = "";
    secSystems.appendChild(el("h2", { text: "Systems: mean with 95% bootstrap interval" }));
    secSystems.appendChild(legend());
    var grid = el("div", { cls: "grid", id: "chart-systems" });
    var sys = activeSystems();
    D.shown.forEach(function (m) {
      var vals = [];
      sys.forEach(function (s) { var v = (D.summary[s] || {})[m]; if (v) vals.push(v[1], v[2]); });
      if (!vals.length) return;
      var r = range(m, vals), W = 260, rowH = 18, H = 30 + rowH * sys.length, L = 10, R = W - 10;
      var x = function (v) { return L + (v - r[0]) / (r[1] - r[0]) * (R - L); };
      var g = sv("svg", { width: W, height: H, "class": "eh-chart sys-chart", "data-metric": m, role: "img" });
      g.appendChild(sv("text", { x: L, y: 12, "font-size": 12, "font-weight": 600, text: m + (hib(m) ? " \u2191" : " \u2193") }));
      g.appendChild(sv("line", { x1: L, x2: R, y1: H - 8, y2: H - 8, stroke: "#bbb" }));
      g.appendChild(sv("text", { x: L, y: H, "font-size": 9, fill: "#888", text: fmt(r[0]) }));
      g.appendChild(sv("text", { x: R, y: H, "font-size": 9, fill: "#888", "text-anchor": "end", text: fmt(r[1]) }));
      sys.forEach(function (s, j) {
        var v = (D.summary[s] || {})[m]; if (!v) return;
        var y = 24 + j * rowH, c = color(sysIndex(s));
        var grp = sv("g", { "class": "ci", "data-system": s });
        grp.appendChild(sv("title", { text: s + ": " + fmt(v[0]) + " [" + fmt(v[1]) + ", " + fmt(v[2]) + "] n=" + v[3] }));
        grp.appendChild(sv("line", { x1: x(v[1]), x2: x(v[2]), y1: y, y2: y, stroke: c, "stroke-width": 2 }));
        grp.appendChild(sv("line", { x1: x(v[1]), x2: x(v[1]), y1: y - 4, y2: y + 4, stroke: c }));
        grp.appendChild(sv("line", { x1: x(v[2]), x2: x(v[2]), y1: y - 4, y2: y + 4, stroke: c }));
        grp.appendChild(sv("circle", { cx: x(v[0]), cy: y, r: 4, fill: c }));
        g.appendChild(grp);
      });
      grid.appendChild(g);
    });
    secSystems.appendChild(grid);
  }

  /* ---------- score distributions ---------- */
  function drawDist() {
    secDist.textContent = "";
    secDist.appendChild(el("h2", { text: "Score distributions (per case)" }));
    var grid = el("div", { cls: "grid", id: "chart-dist" });
    var sys = activeSystems(), cases = visibleCases(), BINS = 10;
    D.shown.forEach(function (m) {
      var per = {}, all = [];
      sys.forEach(function (s) { per[s] = []; });
      cases.forEach(function (c) { c.c.forEach(function (k) { if (per[k.s] && k.sc[m] !== undefined) { per[k.s].push(k.sc[m]); all.push(k.sc[m]); } }); });
      if (!all.length) return;
      var r = range(m, all), W = 260, H = 120, L = 6, R = W - 6, T = 18, B = H - 14;
      var counts = sys.map(function (s) {
        var h = new Array(BINS).fill(0);
        per[s].forEach(function (v) { var b = Math.floor((v - r[0]) / (r[1] - r[0]) * BINS); h[Math.max(0, Math.min(BINS - 1, b))]++; });
        return h;
      });
      var max = 1; counts.forEach(function (h) { h.forEach(function (v) { if (v > max) max = v; }); });
      var g = sv("svg", { width: W, height: H, "class": "eh-chart dist-chart", "data-metric": m, role: "img" });
      g.appendChild(sv("text", { x: L, y: 12, "font-size": 12, "font-weight": 600, text: m }));
      var bw = (R - L) / BINS, sub = bw / Math.max(1, sys.length);
      counts.forEach(function (h, j) {
        h.forEach(function (v, b) {
          if (!v) return;
          var hgt = (B - T) * v / max;
          var rect = sv("rect", { x: L + b * bw + j * sub, y: B - hgt, width: Math.max(1, sub - 1), height: hgt, fill: color(sysIndex(sys[j])) });
          rect.appendChild(sv("title", { text: sys[j] + ": " + v + " case(s) in [" + fmt(r[0] + b * (r[1] - r[0]) / BINS) + ", " + fmt(r[0] + (b + 1) * (r[1] - r[0]) / BINS) + ")" }));
          g.appendChild(rect);
        });
      });
      g.appendChild(sv("line", { x1: L, x2: R, y1: B, y2: B, stroke: "#bbb" }));
      g.appendChild(sv("text", { x: L, y: H - 2, "font-size": 9, fill: "#888", text: fmt(r[0]) }));
      g.appendChild(sv("text", { x: R, y: H - 2, "font-size": 9, fill: "#888", "text-anchor": "end", text: fmt(r[1]) }));
      grid.appendChild(g);
    });
    secDist.appendChild(grid);
  }

  /* ---------- heatmap: case x (system, main metric) ---------- */
  var metricRange = {};
  D.main.forEach(function (m) {
    var lo = Infinity, hi = -Infinity;
    D.cases.forEach(function (c) { c.c.forEach(function (k) { var v = k.sc[m]; if (v !== undefined) { if (v < lo) lo = v; if (v > hi) hi = v; } }); });
    metricRange[m] = [lo, hi];
  });
  function heatColor(m, v) {
    var r = metricRange[m], f = r[1] > r[0] ? (v - r[0]) / (r[1] - r[0]) : 1;
    if (!hib(m)) f = 1 - f;
    return "hsl(" + Math.round(f * 120) + ",65%,55%)";
  }
  function drawHeat() {
    secHeat.textContent = "";
    secHeat.appendChild(el("h2", { text: "Heatmap: cases \u00d7 systems (red = worse, green = better, per metric)" }));
    var sys = activeSystems(), cases = visibleCases();
    var labelW = 180, cw = 34, ch = 16, gap = 8, CHAR = 6.6;  /* CHAR: px per character at 11px */
    var cols = [];
    sys.forEach(function (s) { D.main.forEach(function (m) { cols.push([s, m]); }); });
    function colLabel(col) { return col[0] + " " + col[1].replace(/^[^.]*\./, ""); }
    var longest = cols.reduce(function (n, col) { return Math.max(n, colLabel(col).length); }, 0);
    /* labels run up-right at 60 degrees: the header is as tall as the longest needs, and the
       chart as wide as the last one reaches, so no label is ever cut */
    var headH = Math.max(60, Math.ceil(longest * CHAR * 0.87) + 12), tail = Math.ceil(longest * CHAR * 0.5) + 8;
    var W = labelW + cols.length * cw + sys.length * gap + tail, H = headH + cases.length * ch + 4;
    var g = sv("svg", { width: W, height: H, id: "heatmap", "class": "eh-chart" });
    cols.forEach(function (col, i) {
      var x = labelW + i * cw + sys.indexOf(col[0]) * gap + cw / 2;
      var lab = sv("text", { x: x, y: headH - 4, transform: "rotate(-60 " + x + " " + (headH - 4) + ")", fill: color(sysIndex(col[0])), "class": "collabel", text: colLabel(col) });
      lab.appendChild(sv("title", { text: col[0] + " / " + col[1] }));
      g.appendChild(lab);
    });
    cases.forEach(function (c, r) {
      var y = headH + r * ch;
      var row = sv("g", { "class": "heatrow", "data-case": c.id });
      row.appendChild(sv("rect", { "class": "bgrow", x: 0, y: y, width: W, height: ch, fill: state.selected === c.id ? "#e3f2fd" : "transparent" }));
      row.appendChild(sv("text", { x: 2, y: y + ch - 4, text: c.id.length > 26 ? c.id.slice(0, 25) + "\u2026" : c.id }));
      var byS = {}; c.c.forEach(function (k) { byS[k.s] = k; });
      cols.forEach(function (col, i) {
        var k = byS[col[0]], v = k ? k.sc[col[1]] : undefined;
        var x = labelW + i * cw + sys.indexOf(col[0]) * gap;
        var rect = sv("rect", { x: x + 1, y: y + 1, width: cw - 2, height: ch - 2, fill: v === undefined ? "#eee" : heatColor(col[1], v), "class": "cell" });
        rect.appendChild(sv("title", { text: c.id + " / " + col[0] + " / " + col[1] + ": " + (v === undefined ? "n/a" : fmt(v)) }));
        row.appendChild(rect);
      });
      row.addEventListener("click", function () { select(c.id); });
      g.appendChild(row);
    });
    var wrap = el("div", { cls: "heatwrap" }); wrap.appendChild(g);
    secHeat.appendChild(wrap);
    if (!cases.length) secHeat.appendChild(el("div", { cls: "muted", text: "no case matches the filters" }));
  }

  /* ---------- case list ---------- */
  function drawCases() {
    secCases.textContent = "";
    var cases = visibleCases(), sys = activeSystems();
    secCases.appendChild(el("h2", { text: "Cases (" + cases.length + " of " + D.cases.length + ")" }));
    var head = ["case"].concat(sys.map(function (s) { return s + " flagged"; }));
    if (D.cmp) head.push("changes");
    var tb = el("tbody");
    cases.forEach(function (c) {
      var byS = {}; c.c.forEach(function (k) { byS[k.s] = k; });
      var tds = [el("td", { text: c.id })];
      sys.forEach(function (s) {
        var k = byS[s];
        if (!k) { tds.push(el("td", { cls: "muted", text: "\u2013" })); return; }
        var n = k.cl.filter(function (x) { return !x.ok; }).length, err = Object.keys(k.err).length;
        tds.push(el("td", {}, [el("span", { cls: "badge" + (n || err ? " bad" : ""), text: err ? "error" : String(n) })]));
      });
      if (D.cmp) {
        var chs = D.cmp.changes[c.id] || {}, nn = 0, ng = 0, reg = false;
        Object.keys(chs).forEach(function (s) { if (!state.systems[s]) return; nn += chs[s].new.length; ng += chs[s].gone.length; reg = reg || chs[s].reg; });
        tds.push(el("td", {}, [el("span", { cls: "badge" + (reg ? " reg" : ""), text: "+" + nn + " / \u2212" + ng + (reg ? " worse" : "") })]));
      }
      var tr = el("tr", { "data-case": c.id, id: "case-" + c.id, cls: state.selected === c.id ? "sel" : "" }, tds);
      tr.addEventListener("click", function () { select(c.id); });
      tb.appendChild(tr);
    });
    var t = el("table", { id: "case-table" }, [el("thead", {}, [el("tr", {}, head.map(function (h) { return el("th", { text: h }); }))]), tb]);
    secCases.appendChild(el("div", { cls: "caselist" }, [t]));
  }

  /* ---------- drill-down ---------- */
  function renderSummary(text, claims, onClaim) {
    var box = el("div", { cls: "summary" });
    var sorted = claims.map(function (c, i) { return [c, i]; }).sort(function (a, b) { return a[0].a - b[0].a; });
    var pos = 0;
    sorted.forEach(function (pair) {
      var c = pair[0];
      if (c.a < pos || c.b > text.length || c.b <= c.a) return;
      if (c.a > pos) box.appendChild(document.createTextNode(text.slice(pos, c.a)));
      var span = el("span", { cls: "claim " + (c.ok ? "ok" : "bad"), "data-claim": String(pair[1]), tabindex: "0" });
      var spans = c.sp.filter(function (s) { return s[0] >= c.a && s[1] <= c.b; }).sort(function (a, b) { return a[0] - b[0]; });
      var p = c.a;
      spans.forEach(function (s) {
        if (s[0] < p) return;
        if (s[0] > p) span.appendChild(document.createTextNode(text.slice(p, s[0])));
        span.appendChild(el("mark", { cls: "unsup", text: text.slice(s[0], s[1]) }));
        p = s[1];
      });
      if (p < c.b) span.appendChild(document.createTextNode(text.slice(p, c.b)));
      span.addEventListener("mouseenter", function () { onClaim(c, span); });
      span.addEventListener("click", function () { onClaim(c, span); });
      span.addEventListener("focus", function () { onClaim(c, span); });
      box.appendChild(span);
      pos = c.b;
    });
    if (pos < text.length) box.appendChild(document.createTextNode(text.slice(pos)));
    return box;
  }
  function verdictText(claim) {
    if (claim.ok) return "supported";
    return claim.v && claim.v !== "unsupported" ? "unsupported (" + claim.v + ")" : "unsupported";
  }
  function showSource(src, ev) {
    var box = document.getElementById("source");
    box.textContent = "";
    if (!ev || ev[0] < 0 || ev[1] > src.length) { box.textContent = src; return null; }
    box.appendChild(document.createTextNode(src.slice(0, ev[0])));
    var mk = el("mark", { cls: "evidence", id: "evidence-mark", text: src.slice(ev[0], ev[1]) });
    box.appendChild(mk);
    box.appendChild(document.createTextNode(src.slice(ev[1])));
    box.scrollTop = Math.max(0, mk.offsetTop - box.offsetTop - 40);
    return mk;
  }
  function caseHash(id) { return "#case=" + encodeURIComponent(id); }
  function caseFromHash() {
    var h = String(window.location.hash || "");
    if (h.indexOf("#case=") !== 0) return null;
    var id; try { id = decodeURIComponent(h.slice(6)); } catch (e) { return null; }
    return D.cases.some(function (c) { return c.id === id; }) ? id : null;
  }
  function select(id, fromHash) {
    state.selected = id;
    /* the address bar then links to this case (same page: a fragment, never a navigation) */
    if (!fromHash && window.history && history.replaceState) { try { history.replaceState(null, "", caseHash(id)); } catch (e) { /* file: URLs in some browsers */ } }
    Array.prototype.forEach.call(document.querySelectorAll("#case-table tr.sel"), function (tr) { tr.className = ""; });
    var tr = document.querySelector('#case-table tr[data-case="' + (window.CSS && CSS.escape ? CSS.escape(id) : id) + '"]');
    if (tr) tr.className = "sel";
    drawDrill();
  }
  function drawDrill() {
    secDrill.textContent = "";
    var c = D.cases.filter(function (x) { return x.id === state.selected; })[0];
    if (!c) { secDrill.appendChild(el("h2", { text: "Drill-down" })); secDrill.appendChild(el("div", { cls: "muted", text: "click a case in the table or the heatmap" })); return; }
    secDrill.appendChild(el("h2", { id: "drill-title", text: "Case " + c.id }));
    secDrill.appendChild(el("div", { cls: "small muted", id: "case-link", text: "link to this case: this page + " + caseHash(c.id) }));
    var left = el("div", {}, [el("div", { cls: "small muted", text: "source (hover or click a claim to see its evidence)" }), el("div", { cls: "source", id: "source", text: c.src })]);
    var right = el("div", { id: "candidates" });
    var info = el("div", { cls: "claiminfo", id: "claim-info", text: "no claim selected" });
    var chs = D.cmp ? (D.cmp.changes[c.id] || {}) : {};
    c.c.forEach(function (k) {
      if (!state.systems[k.s]) return;
      var card = el("div", { cls: "cand", "data-system": k.s });
      var h = el("h3", { text: k.s }); h.style.color = color(sysIndex(k.s));
      card.appendChild(h);
      card.appendChild(el("div", { cls: "scores", text: D.shown.filter(function (m) { return k.sc[m] !== undefined; }).map(function (m) {
        var d = chs[k.s] && chs[k.s].d[m] !== undefined ? " (" + sgn(chs[k.s].d[m]) + ")" : "";
        return m + "=" + fmt(k.sc[m]) + d; }).join("  ") }));
      Object.keys(k.err).forEach(function (s) { card.appendChild(el("div", { cls: "err", text: "error in " + s + ": " + k.err[s] })); });
      card.appendChild(renderSummary(k.t, k.cl, function (claim, span) {
        Array.prototype.forEach.call(document.querySelectorAll(".claim.active"), function (x) { x.classList.remove("active"); });
        span.classList.add("active");
        state.claim = claim;
        showSource(c.src, claim.ev);
        info.textContent = "";
        info.appendChild(el("div", {}, [el("b", { text: k.s + ": " + verdictText(claim) }), " score " + fmt(claim.s)]));
        info.appendChild(el("div", { text: "claim: \u201c" + k.t.slice(claim.a, claim.b) + "\u201d" }));
        info.appendChild(el("div", { id: "claim-evidence", text: claim.ev ? "evidence [" + claim.ev[0] + ":" + claim.ev[1] + "]: \u201c" + c.src.slice(claim.ev[0], claim.ev[1]) + "\u201d" : "no evidence found in the source" }));
        claim.why.forEach(function (w) { info.appendChild(el("div", { cls: "muted", text: "why: " + w })); });
      }));
      var ch = chs[k.s];
      if (ch) {
        var cb = el("div", { cls: "changes" });
        ch.new.forEach(function (t) { cb.appendChild(el("div", { cls: "new", text: "+ newly flagged: \u201c" + t + "\u201d" })); });
        ch.gone.forEach(function (t) { cb.appendChild(el("div", { cls: "gone", text: "\u2212 no longer flagged: \u201c" + t + "\u201d" })); });
        if (ch.base !== null) {
          cb.appendChild(el("div", { cls: "small muted", text: "baseline summary:" }));
          cb.appendChild(renderSummary(ch.base, ch.bcl, function (claim) { showSource(c.src, claim.ev); }));
        }
        card.appendChild(cb);
      }
      right.appendChild(card);
    });
    right.appendChild(info);
    secDrill.appendChild(el("div", { cls: "drill" }, [left, right]));
  }

  function refresh() { drawDeltas(); drawSystems(); drawDist(); drawHeat(); drawCases(); drawDrill(); }
  /* the drill-down opens on the linked case, else the most regressed one (most newly flagged
     claims, then the largest drop), else the first flagged one */
  var firstFlagged = D.cases.filter(caseFlagged)[0] || D.cases[0];
  var linked = caseFromHash();
  var worst = D.cmp && D.cmp.worst && D.cases.some(function (c) { return c.id === D.cmp.worst; }) ? D.cmp.worst : null;
  state.selected = linked || worst || (firstFlagged ? firstFlagged.id : null);
  refresh();
  if (linked) {
    var row = document.getElementById("case-" + linked);
    if (row && row.scrollIntoView) row.scrollIntoView();
    if (secDrill.scrollIntoView) secDrill.scrollIntoView();
  }
  window.addEventListener("hashchange", function () { var id = caseFromHash(); if (id) select(id, true); });
  window.__eh = { ready: true, renderMs: performance.now() - t0, readyAt: performance.now(), select: select };
  document.documentElement.setAttribute("data-eh-ready", "1");
})();
