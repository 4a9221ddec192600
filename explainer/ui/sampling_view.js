// The sampling page's charts, drawn in the browser (explainer/ui/sampling_view.py). The server sends the model's
// logits once per text; every number here is a pure function of them and of the sliders' values, so moving
// temperature, top-k or top-p redraws at once, with no server rerun during a drag: the page's own Streamlit
// sliders are watched (their value changes in the DOM while the thumb moves; Streamlit sends it, and puts it in
// the URL, only when the student lets go). The maths is explainer/model/sampling.py's, in float64.
// Token labels are set with textContent, never as HTML.

const SVG = "http://www.w3.org/2000/svg";

// ---------------------------------------------------------------------------- the numbers

// the logits as sent: base64 of little-endian float32 (sampling_view.py: logits_to_wire)
function fromWire(text) {
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  return new DataView(bytes.buffer);
}

function prepare(wire) {
  const view = fromWire(wire);
  const x = new Float64Array(view.byteLength / 4);
  for (let i = 0; i < x.length; i++) x[i] = view.getFloat32(4 * i, true);
  const order = Array.from(x.keys()).sort((a, b) => x[b] - x[a] || a - b); // likeliest first, ties: lower id
  return { x, order, max: x[order[0]], base: softmax(x, order, 1, x.length) };
}

// probabilities (length V) of softmax(x / t) over the first n tokens of `order`, 0 elsewhere
function softmax(x, order, t, n) {
  const p = new Float64Array(x.length);
  const top = x[order[0]];
  let sum = 0;
  for (let r = 0; r < n; r++) sum += p[order[r]] = Math.exp((x[order[r]] - top) / t);
  for (let r = 0; r < n; r++) p[order[r]] /= sum;
  return p;
}

// how many of the likeliest tokens survive top-k, then top-p (renormalised over the top-k survivors), at t > 0
function kept(m, t, topK, topP) {
  let n = topK > 0 ? Math.min(topK, m.x.length) : m.x.length;
  if (topP < 1) {
    const p = softmax(m.x, m.order, t, n);
    let before = 0;
    let survivors = 0;
    for (let r = 0; r < n && before < topP; r++) {
      survivors++;
      before += p[m.order[r]];
    }
    n = survivors;
  }
  return n;
}

// {chosen, before, n}: the distribution drawn from, the one before the cut (temperature only), tokens left
function distribution(m, t, topK, topP) {
  if (t === 0) {
    const chosen = new Float64Array(m.x.length);
    chosen[m.order[0]] = 1;
    return { chosen, before: chosen, n: 1 };
  }
  const n = kept(m, t, topK, topP);
  return { chosen: softmax(m.x, m.order, t, n), before: softmax(m.x, m.order, t, m.x.length), n };
}

function bits(p) {
  let h = 0;
  for (const v of p) if (v > 0) h -= v * Math.log2(v);
  return Math.max(0, h);
}

// The page's language: its words come from the server's catalog (data.words, {name} fields), its numbers from Intl.
let locale = "en";
let words = {};

function w(key, fields = {}) {
  return (words[key] ?? key).replace(/\{(\w+)\}/g, (m, name) => (name in fields ? fields[name] : m));
}

function fixed(v, digits) {
  return v.toLocaleString(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function percent(p) {
  const pct = (v, digits) => v.toLocaleString(locale, { style: "percent", maximumSignificantDigits: digits });
  if (p <= 0) return pct(0, 1);
  if (p < 1e-5) return `<${pct(1e-5, 1)}`;
  return pct(parseFloat(p.toPrecision(3)), 3);
}

function g(v) {
  return parseFloat(Number(v).toPrecision(6)).toLocaleString(locale, { maximumFractionDigits: 6, useGrouping: false });
}

function settingsLabel(t, topK, topP) {
  const parts = [`T = ${g(t)}${t === 0 ? w("greedy") : ""}`];
  if (topK) parts.push(`top-k ${topK}`);
  if (topP < 1) parts.push(`top-p ${g(topP)}`);
  return parts.join(", ");
}

// ---------------------------------------------------------------------------- drawing

function el(name, attrs = {}, parent = null, text = null) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== null) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}

function textWidth(text, px) {
  return 0.6 * px * [...text].length; // a monospace-ish estimate: labels get at least this room
}

// `text` on as many lines as fit `width` at `px` (a phone's narrow chart: its title ran off the edge), broken after
// a word, or at any Chinese character.
function wrapped(text, width, px) {
  const pieces = text.match(/[\u2e80-\u9fff\uff00-\uffef]|[^\s\u2e80-\u9fff\uff00-\uffef]+\s*/g) || [text];
  const wide = (t) => [...t].reduce((a, c) => a + (/[\u2e80-\u9fff\uff00-\uffef]/.test(c) ? 1 : 0.58) * px, 0);
  const lines = [""];
  for (const piece of pieces) {
    const line = lines[lines.length - 1];
    if (line.trim() && wide(line + piece.trimEnd()) > width) lines.push(piece);
    else lines[lines.length - 1] = line + piece;
  }
  return lines.map((l) => l.trim());
}

function drawBars(svg, s, d, look) {
  const { font, small, row } = look;
  const shown = s.data.shown;
  const labels = [...s.data.labels, s.data.other_label];
  const other = (p) => 1 - shown.reduce((a, i) => a + p[i], 0);
  const base = [...shown.map((i) => s.m.base[i]), Math.max(0, other(s.m.base))];
  const chosen = [...shown.map((i) => d.chosen[i]), Math.max(0, other(d.chosen))];
  const before = [...shown.map((i) => d.before[i]), Math.max(0, other(d.before))];
  const keptRank = new Set(s.m.order.slice(0, d.n));
  const rest = s.m.x.length - shown.length;
  const keptRow = [...shown.map((i) => keptRank.has(i)), d.n > shown.filter((i) => keptRank.has(i)).length];
  if (!rest) keptRow[keptRow.length - 1] = false;
  const W = Math.max(320, svg.parentElement.clientWidth || 800);
  const labelW = Math.min(0.3 * W, Math.max(...labels.map((l) => textWidth(l, font))) + 16);
  const gap = 0.06 * W;
  const panel = (W - labelW - gap - 20) / 2;
  const centre = (k) => labelW + k * (panel + gap) + panel / 2;
  svg.replaceChildren();
  // The panels' titles first: when one is wider than its panel (a projector's big text in a narrow column), both go on
  // two lines, split at " · " (the bits under the name), and the bars start lower.
  const titles = [
    [w("model_own", { bits: fixed(bits(s.m.base), 2) }), w("nothing_cut")],
    [w("drawn_from", { bits: fixed(bits(d.chosen), 2) }), settingsLabel(s.t, s.topK, s.topP)],
  ];
  const heads = titles.map(([name], k) => {
    const head = el("text", { x: centre(k), y: font, "text-anchor": "middle", "font-size": font,
      "font-weight": 700 }, svg, name);
    head.dataset.role = k ? "chosen-title" : "base-title";
    return head;
  });
  const split = heads.some((h) => h.getComputedTextLength() > panel + 0.8 * gap);
  if (split) {
    heads.forEach((h, k) => {
      const [name, ...rest] = h.textContent.split(" · ");
      h.replaceChildren();
      el("tspan", { x: centre(k) }, h, name);
      el("tspan", { x: centre(k), dy: 1.15 * font }, h, rest.join(" · "));
    });
  }
  const subY = (split ? 3.2 : 2) * font + 6;
  const top = subY + font + 8;
  const H = top + row * labels.length + 10;
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("height", H);
  const defs = el("defs", {}, svg);
  const hatch = el("pattern", { id: `${s.id}-cut`, width: 8, height: 8, patternUnits: "userSpaceOnUse",
    patternTransform: "rotate(45)" }, defs);
  el("rect", { width: 8, height: 8, fill: look.cut }, hatch);
  el("line", { x1: 0, y1: 0, x2: 0, y2: 8, stroke: look.grey, "stroke-width": 2 }, hatch);
  labels.forEach((l, r) => {
    const y = top + r * row + row / 2;
    const t = el("text", { x: labelW - 8, y, "text-anchor": "end", "dominant-baseline": "central",
      "font-size": font, class: r === shown.length ? "sv-other" : "" }, svg, l);
    if (r === shown.length) t.setAttribute("font-style", "italic");
    const fits = labelW - 10; // a label longer than its column ("todo lo demás" on a phone) is drawn narrower
    if (textWidth(l, font) > fits && t.getComputedTextLength() > fits) { // (measured only when it may not fit)
      t.setAttribute("textLength", fits);
      t.setAttribute("lengthAdjust", "spacingAndGlyphs");
    }
  });
  [base, chosen.map((v, r) => (keptRow[r] ? v : before[r]))].forEach((values, k) => {
    const x0 = labelW + k * (panel + gap);
    const texts = values.map((v, r) =>
      (k === 1 && !keptRow[r] && before[r] > 0 ? w("cut") : percent(k ? chosen[r] : v)));
    // the longest bar leaves room for its number before the next panel (a phone: "41,1 %" ran into it)
    const room = Math.max(...texts.map((t) => textWidth(t, small))) + 8;
    const scale = Math.min(0.72 * panel, panel + gap - room) / Math.max(...values, 1e-12);
    el("text", { x: centre(k), y: subY, "text-anchor": "middle", "font-size": small }, svg, titles[k][1]);
    el("line", { x1: x0, x2: x0, y1: top, y2: H - 10, stroke: look.grid }, svg);
    values.forEach((v, r) => {
      const isOther = r === shown.length;
      const cut = k === 1 && !keptRow[r];
      const y = top + r * row + row * 0.15;
      const barW = Math.max(0, v * scale); // (not `w`: that is the words' lookup, used just below)
      el("rect", { x: x0, y, width: barW, height: row * 0.7,
        fill: cut ? `url(#${s.id}-cut)` : isOther ? look.grey : look.blue }, svg);
      el("text", { x: x0 + barW + 6, y: y + row * 0.35, "dominant-baseline": "central", "font-size": small }, svg,
        texts[r]).dataset.role = k ? "chosen" : "base";
    });
  });
}

function curve(s, temperatures) {
  const key = `${s.topK}|${s.topP}`;
  if (s.curveKey !== key) {
    s.curveKey = key;
    s.curve = temperatures.map((t) => (t === 0 ? 0 : bits(distribution(s.m, t, s.topK, s.topP).chosen)));
  }
  return s.curve;
}

function drawCurve(svg, s, d, look) {
  const { font, small } = look;
  const ts = s.data.temperatures;
  const ys = curve(s, ts);
  const V = s.m.x.length;
  const nMax = Math.min(s.topK || V, V);
  const maxBits = s.topP === 1 ? Math.log2(nMax) : null;
  const W = Math.max(320, svg.parentElement.clientWidth || 800);
  const title = wrapped(s.data.curve_title, W - 20, font + 2);
  const l = 70 * look.scale, r = 30;
  const what = s.topK ? w("all_left", { n: nMax.toLocaleString(locale) }) : w("every_word");
  const level = maxBits === null ? [] : wrapped(w("max_bits", { what, bits: fixed(maxBits, 1) }), W - l - r, small);
  // each line the title, and the label over the top line, take beyond their first: the plot starts that much lower
  const more = (title.length - 1) * (font + 6) + Math.max(0, level.length - 1) * (small + 2);
  const H = Math.round(380 * look.scale) + more;
  const m = { l, r, t: 2 * font + 10 + more, b: 60 * look.scale };
  const tMax = ts[ts.length - 1];
  const yMax = 1.12 * Math.max(...ys, maxBits || 0, 1);
  const X = (t) => m.l + ((W - m.l - m.r) * t) / tMax;
  const Y = (b) => H - m.b - ((H - m.t - m.b) * b) / yMax;
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("height", H);
  title.forEach((line, i) =>
    el("text", { x: 10, y: font + 2 + i * (font + 6), "font-size": font + 2, "font-weight": 700 }, svg, line));
  for (let t = 0; t <= tMax; t += 1) {
    el("line", { x1: X(t), x2: X(t), y1: m.t, y2: H - m.b, stroke: look.grid }, svg);
    el("text", { x: X(t), y: H - m.b + small + 6, "text-anchor": "middle", "font-size": small }, svg, String(t));
  }
  const step = yMax > 8 ? 2 : 1;
  for (let b = 0; b <= yMax; b += step) {
    el("line", { x1: m.l, x2: W - m.r, y1: Y(b), y2: Y(b), stroke: look.grid }, svg);
    el("text", { x: m.l - 8, y: Y(b), "text-anchor": "end", "dominant-baseline": "central", "font-size": small },
      svg, String(b));
  }
  el("text", { x: (m.l + W - m.r) / 2, y: H - 8, "text-anchor": "middle", "font-size": font }, svg, w("temperature"));
  el("text", { x: 0, y: 0, "text-anchor": "middle", "font-size": font,
    transform: `translate(${font}, ${(m.t + H - m.b) / 2}) rotate(-90)` }, svg, w("entropy"));
  if (maxBits !== null) {
    el("line", { x1: m.l, x2: W - m.r, y1: Y(maxBits), y2: Y(maxBits), stroke: look.grey, "stroke-width": 2,
      "stroke-dasharray": "8 6" }, svg);
    // over the line at its right end, on more lines where the plot is too narrow for one (a phone, in Portuguese)
    level.forEach((line, i) => el("text", { x: W - m.r - 6, y: Y(maxBits) - 6 - (level.length - 1 - i) * (small + 2),
      "text-anchor": "end", "font-size": small, fill: look.grey }, svg, line));
  }
  el("path", { d: ts.map((t, i) => `${i ? "L" : "M"}${X(t).toFixed(1)},${Y(ys[i]).toFixed(1)}`).join(""),
    fill: "none", stroke: look.blue, "stroke-width": 4 }, svg);
  const now = bits(d.chosen);
  const [cx, cy] = [X(Math.min(s.t, tMax)), Y(now)];
  el("circle", { cx, cy, r: 9, fill: look.orange, stroke: "white", "stroke-width": 2 }, svg);
  const right = s.t < 0.6 * tMax;
  const below = cy + font + 4 < H - m.b; // under the dot, unless that is on the axis's numbers: then above it
  const label = w("now", { t: fixed(s.t, 2), bits: fixed(now, 2) });
  el("text", { x: cx + (right ? 14 : -14), y: below ? cy + font : cy - 16, "text-anchor": right ? "start" : "end",
    "font-size": font, fill: look.orange, stroke: "white", "stroke-width": 5, "paint-order": "stroke",
    "stroke-linejoin": "round" }, svg, label).dataset.role = "now"; // a white halo where it crosses the curve
}

function draw(s) {
  const start = performance.now();
  const look = s.data.look;
  const d = distribution(s.m, s.t, s.topK, s.topP);
  const cards = s.root.querySelectorAll(".sv-card-value");
  cards[0].textContent = w("bits", { bits: fixed(bits(s.m.base), 2) });
  cards[1].textContent = w("bits", { bits: fixed(bits(d.chosen), 2) });
  cards[2].textContent = d.n.toLocaleString(locale);
  drawBars(s.root.querySelector(".sv-bars"), s, d, look);
  drawCurve(s.root.querySelector(".sv-curve"), s, d, look);
  s.width = s.root.clientWidth;
  s.root.dataset.version = String(Number(s.root.dataset.version || 0) + 1);
  s.root.dataset.settings = settingsLabel(s.t, s.topK, s.topP);
  s.root.dataset.ms = (performance.now() - start).toFixed(2); // this redraw's own time (bench/slider_latency.py)
}

// ---------------------------------------------------------------------------- the sliders

function sliderValue(key) {
  const input = document.querySelector(`.st-key-${key} input[type=range]`);
  const v = input ? parseFloat(input.value) : NaN;
  return Number.isFinite(v) ? v : null;
}

function readSliders(s) {
  const k = s.data.knobs;
  const t = sliderValue(k.temperature);
  const topK = sliderValue(k.top_k);
  const topP = sliderValue(k.top_p);
  if (t !== null) s.t = t;
  if (topK !== null) s.topK = Math.round(topK);
  if (topP !== null) s.topP = topP;
}

function watch(s) {
  for (const o of s.observers || []) o.disconnect();
  s.observers = [];
  // Drawn at once, in the observer's callback (one per batch of the slider's changes): before the frame that
  // paints the moved thumb, so the charts follow in that same frame, not one frame later.
  const redraw = () => {
    const before = `${s.t}|${s.topK}|${s.topP}`;
    readSliders(s);
    if (`${s.t}|${s.topK}|${s.topP}` !== before) draw(s);
  };
  for (const key of Object.values(s.data.knobs)) {
    const box = document.querySelector(`.st-key-${key}`);
    if (!box) continue;
    const o = new MutationObserver(redraw);
    o.observe(box, { subtree: true, attributes: true, attributeFilter: ["value", "aria-valuetext", "style"] });
    s.observers.push(o);
  }
  const resize = new ResizeObserver(() => {
    if (s.root.clientWidth !== s.width) draw(s); // a new width (a height change is our own drawing)
  });
  resize.observe(s.root);
  s.observers.push(resize);
}

export default function (component) {
  const { data, parentElement } = component;
  let root = parentElement.querySelector(".sv-root");
  if (!root) {
    root = document.createElement("div");
    root.className = "sv-root";
    root.innerHTML = `<div class="sv-cards">${"<div class='sv-card'><div class='sv-card-label'></div>"
      .concat("<div class='sv-card-value'></div></div>").repeat(3)}</div>`
      + '<svg class="sv-bars" width="100%" role="img"></svg><svg class="sv-curve" width="100%" role="img"></svg>';
    parentElement.appendChild(root);
  }
  const s = root.__sv || (root.__sv = { root, id: `sv${Math.random().toString(36).slice(2)}` });
  if (s.data?.logits_key !== data.logits_key) {
    s.m = prepare(data.logits);
    s.curveKey = null;
  }
  s.data = data;
  [locale, words] = [data.locale, data.words];
  root.style.setProperty("--sv-font", `${data.look.font}px`);
  root.querySelectorAll(".sv-card-label").forEach((e, i) => (e.textContent = data.card_labels[i]));
  root.querySelector(".sv-bars").setAttribute("aria-label", data.bars_label);
  root.querySelector(".sv-curve").setAttribute("aria-label", data.curve_title);
  [s.t, s.topK, s.topP] = [data.params.temperature, data.params.top_k, data.params.top_p];
  readSliders(s); // a value moved since the server drew the page wins
  draw(s);
  watch(s);
  return () => (s.observers || []).forEach((o) => o.disconnect());
}
