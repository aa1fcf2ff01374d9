// A minimal DOM, enough to run evalharness's report.js under node without a browser
// (tests/test_render_html_dom.py). Usage: node dom_shim.js PAGE.html HASH SCENARIO.js
// The scenario runs after the page script, sees `document`, `window` and the helpers
// `$`, `$$` and `click`, and sets `result`; that is printed as JSON.
"use strict";
const fs = require("fs");
const vm = require("vm");

class Text { constructor(data) { this.nodeType = 3; this.data = String(data); this.parentNode = null; }
  get textContent() { return this.data; } }

class Element {
  constructor(tag, ns) {
    this.nodeType = 1; this.tagName = String(tag).toUpperCase(); this.localName = String(tag); this.ns = ns || null;
    this.attributes = {}; this.childNodes = []; this.parentNode = null; this.style = {}; this.listeners = {};
    this.checked = false; this.disabled = false; this.scrollTop = 0; this.offsetTop = 0;
    const self = this;
    this.classList = {
      add(c) { const s = new Set(self._classes()); s.add(c); self.className = [...s].join(" "); },
      remove(c) { self.className = self._classes().filter(x => x !== c).join(" "); },
      contains(c) { return self._classes().includes(c); },
    };
  }
  _classes() { return (this.attributes["class"] || "").split(/\s+/).filter(Boolean); }
  get className() { return this.attributes["class"] || ""; }
  set className(v) { this.attributes["class"] = String(v); }
  get id() { return this.attributes.id || ""; }
  get children() { return this.childNodes.filter(n => n.nodeType === 1); }
  setAttribute(k, v) { this.attributes[k] = String(v); }
  getAttribute(k) { return k in this.attributes ? this.attributes[k] : null; }
  appendChild(n) { if (n.parentNode) n.parentNode.removeChild(n); n.parentNode = this; this.childNodes.push(n); return n; }
  removeChild(n) { this.childNodes = this.childNodes.filter(x => x !== n); n.parentNode = null; return n; }
  get textContent() { return this.childNodes.map(n => n.textContent).join(""); }
  set textContent(v) { this.childNodes.forEach(n => { n.parentNode = null; }); this.childNodes = [];
    if (v !== "" && v != null) this.appendChild(new Text(v)); }
  addEventListener(type, fn) { (this.listeners[type] = this.listeners[type] || []).push(fn); }
  dispatch(type) { let n = this; while (n) { (n.listeners[type] || []).forEach(fn => fn({ target: this })); n = n.parentNode; } }
  scrollIntoView() { this.scrolledIntoView = true; }
  descendants() { const out = []; const walk = e => e.children.forEach(c => { out.push(c); walk(c); }); walk(this); return out; }
  querySelectorAll(sel) { return matchAll(this, sel); }
  querySelector(sel) { return matchAll(this, sel)[0] || null; }
}

// selectors: compound parts (tag, #id, .class, [attr="value"]) joined by descendant spaces, comma lists
function parseCompound(s) {
  const c = { tag: null, id: null, classes: [], attrs: [] };
  const re = /^([a-zA-Z][\w-]*)|#([\w-]+)|\.([\w-]+)|\[([\w-]+)(?:="((?:[^"\\]|\\.)*)")?\]/g;
  let m, pos = 0;
  while (pos < s.length && (re.lastIndex = pos, m = re.exec(s)) && m.index === pos) {
    if (m[1]) c.tag = m[1].toUpperCase(); else if (m[2]) c.id = m[2]; else if (m[3]) c.classes.push(m[3]);
    else c.attrs.push([m[4], m[5] === undefined ? null : m[5].replace(/\\(.)/g, "$1")]);
    pos = re.lastIndex;
  }
  if (pos !== s.length) throw new Error("dom_shim: unsupported selector " + s);
  return c;
}
function matches(e, c) {
  if (c.tag && e.tagName !== c.tag) return false;
  if (c.id && e.id !== c.id) return false;
  if (!c.classes.every(x => e.classList.contains(x))) return false;
  return c.attrs.every(([k, v]) => v === null ? e.getAttribute(k) !== null : e.getAttribute(k) === v);
}
function splitTop(sel, ch) { // split outside [...] and quotes
  const out = []; let cur = "", depth = 0, q = false;
  for (let i = 0; i < sel.length; i++) {
    const x = sel[i];
    if (x === "\\" && i + 1 < sel.length) { cur += x + sel[++i]; continue; }
    if (x === '"') q = !q; else if (!q && x === "[") depth++; else if (!q && x === "]") depth--;
    if (!q && depth === 0 && (ch === " " ? /\s/.test(x) : x === ch)) { if (cur.trim()) out.push(cur.trim()); cur = ""; } else cur += x;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
function matchAll(root, sel) {
  const found = new Set();
  splitTop(sel, ",").forEach(one => {
    const parts = splitTop(one, " ").map(parseCompound);
    let ctx = [root];
    parts.forEach(p => { const next = new Set(); ctx.forEach(e => e.descendants().forEach(d => { if (matches(d, p)) next.add(d); })); ctx = [...next]; });
    ctx.forEach(e => found.add(e));
  });
  return root.descendants().filter(e => found.has(e)); // document order
}

const [pagePath, hash, scenarioPath] = process.argv.slice(2);
const html = fs.readFileSync(pagePath, "utf8");
const data = html.split('<script type="application/json" id="eh-data">')[1].split("</script>")[0];
const script = html.split("<script>\n")[1].split("</script>")[0];

const documentElement = new Element("html");
const body = documentElement.appendChild(new Element("body"));
const app = body.appendChild(new Element("div")); app.setAttribute("id", "app");
const dataEl = body.appendChild(new Element("script")); dataEl.setAttribute("id", "eh-data"); dataEl.textContent = data;
const location = { hash: hash || "" };
const windowListeners = {};
const document = {
  documentElement,
  createElement: t => new Element(t), createElementNS: (ns, t) => new Element(t, ns), createTextNode: d => new Text(d),
  getElementById: id => documentElement.descendants().find(e => e.id === id) || null,
  querySelectorAll: s => documentElement.querySelectorAll(s), querySelector: s => documentElement.querySelector(s),
};
const window = {
  location, CSS: { escape: s => String(s).replace(/["\\]/g, "\\$&") },
  history: { replaceState(_s, _t, url) { location.hash = String(url); } },
  addEventListener(type, fn) { (windowListeners[type] = windowListeners[type] || []).push(fn); },
  fire(type) { (windowListeners[type] || []).forEach(fn => fn({})); },
};
const sandbox = { window, document, performance: { now: () => 0 }, CSS: window.CSS, history: window.history,
                  location, console, result: null };
sandbox.$ = s => document.querySelector(s);
sandbox.$$ = s => document.querySelectorAll(s);
sandbox.click = e => e.dispatch("click");
vm.createContext(sandbox);
vm.runInContext(script, sandbox);
vm.runInContext(fs.readFileSync(scenarioPath, "utf8"), sandbox);
process.stdout.write(JSON.stringify(sandbox.result));
