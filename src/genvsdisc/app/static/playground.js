// The 2-D playground: points in, two fitted models out, drawn side by side.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const state = {
    X: [], y: [], history: [], domain: [-2, 2, -2, 2],
    cls: 0, view: null, generated: null, seed: 0, controller: null, timer: null,
  };
  const PAD = { left: 60, right: 14, top: 10, bottom: 46 };

  // ---------------------------------------------------------------- geometry
  // toFixed(1) writes tiny negatives as "-0.0"
  const tick = (v) => (Math.abs(v) < 0.05 ? "0.0" : v.toFixed(1));

  function plotBox(canvas) {
    return {
      x0: PAD.left, y0: PAD.top,
      w: canvas.width - PAD.left - PAD.right, h: canvas.height - PAD.top - PAD.bottom,
    };
  }
  function toPixel(canvas, p) {
    const b = plotBox(canvas), d = state.domain;
    return [b.x0 + ((p[0] - d[0]) / (d[1] - d[0])) * b.w, b.y0 + (1 - (p[1] - d[2]) / (d[3] - d[2])) * b.h];
  }
  function toData(canvas, px, py) {
    const b = plotBox(canvas), d = state.domain;
    return [d[0] + ((px - b.x0) / b.w) * (d[1] - d[0]), d[2] + (1 - (py - b.y0) / b.h) * (d[3] - d[2])];
  }

  // ---------------------------------------------------------------- drawing
  function drawRegions(ctx, canvas, panel, size) {
    const off = document.createElement("canvas");
    off.width = size; off.height = size;
    const octx = off.getContext("2d");
    const img = octx.createImageData(size, size);
    const chance = 1 / panel.n_classes;
    for (let i = 0; i < size; i++) {          // grid row i is y = ys[i], bottom row first
      for (let j = 0; j < size; j++) {
        const cell = i * size + j;
        const [r, g, b] = GVD.rgb(GVD.COLORS[panel.label[cell]]);
        // confidence is the top-class probability: 1/K is a coin toss (palest), 1 is certain
        const sure = (panel.confidence[cell] - chance) / (1 - chance);
        const a = 0.12 + 0.5 * Math.min(Math.max(sure, 0), 1);  // mix with white: paler = less sure
        const o = ((size - 1 - i) * size + j) * 4;
        img.data[o] = Math.round(255 * (1 - a) + r * a);
        img.data[o + 1] = Math.round(255 * (1 - a) + g * a);
        img.data[o + 2] = Math.round(255 * (1 - a) + b * a);
        img.data[o + 3] = 255;
      }
    }
    octx.putImageData(img, 0, 0);
    const b = plotBox(canvas);
    const half = { x: b.w / (size - 1) / 2, y: b.h / (size - 1) / 2 };  // cells are centred on grid points
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(off, b.x0 - half.x, b.y0 - half.y, b.w + 2 * half.x, b.h + 2 * half.y);
  }

  function drawLines(ctx, canvas, lines, style, width, dash) {
    ctx.save();
    ctx.strokeStyle = style; ctx.lineWidth = width; ctx.setLineDash(dash || []);
    for (const line of lines) {
      ctx.beginPath();
      line.forEach((p, k) => { const [px, py] = toPixel(canvas, p); k ? ctx.lineTo(px, py) : ctx.moveTo(px, py); });
      ctx.stroke();
    }
    ctx.restore();
  }

  function drawAxes(ctx, canvas) {
    const b = plotBox(canvas), d = state.domain;
    ctx.save();
    ctx.fillStyle = "#fff";  // margins: cover region pixels that spill past the plot box
    ctx.fillRect(0, 0, canvas.width, b.y0); ctx.fillRect(0, 0, b.x0, canvas.height);
    ctx.fillRect(0, b.y0 + b.h, canvas.width, canvas.height); ctx.fillRect(b.x0 + b.w, 0, canvas.width, canvas.height);
    ctx.strokeStyle = "#bcccdc"; ctx.lineWidth = 1; ctx.strokeRect(b.x0, b.y0, b.w, b.h);
    ctx.fillStyle = "#52606d"; ctx.font = "15px system-ui, sans-serif";
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    for (let k = 0; k <= 4; k++) {
      const x = d[0] + (k / 4) * (d[1] - d[0]);
      ctx.fillText(tick(x), b.x0 + (k / 4) * b.w, b.y0 + b.h + 5);
    }
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    for (let k = 0; k <= 4; k++) {
      const v = d[2] + (k / 4) * (d[3] - d[2]);
      ctx.fillText(tick(v), b.x0 - 5, b.y0 + (1 - k / 4) * b.h);
    }
    ctx.font = "italic 17px system-ui, sans-serif"; ctx.fillStyle = "#1f2933";
    ctx.textAlign = "center"; ctx.textBaseline = "bottom";
    ctx.fillText("x₁", b.x0 + b.w / 2, canvas.height - 2);
    ctx.save(); ctx.translate(11, b.y0 + b.h / 2); ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = "middle"; ctx.fillText("x₂", 0, 0); ctx.restore();
    ctx.restore();
  }

  function drawPoints(ctx, canvas) {
    const test = new Set(state.view ? state.view.test_index : []);
    for (let k = 0; k < state.X.length; k++) {
      const [px, py] = toPixel(canvas, state.X[k]);
      ctx.beginPath(); ctx.arc(px, py, 4, 0, 2 * Math.PI);
      if (test.has(k)) {
        ctx.fillStyle = "#fff"; ctx.fill();
        ctx.lineWidth = 2; ctx.strokeStyle = GVD.COLORS[state.y[k]]; ctx.stroke();
      } else {
        ctx.fillStyle = GVD.COLORS[state.y[k]]; ctx.fill();
        ctx.lineWidth = 1.2; ctx.strokeStyle = "#fff"; ctx.stroke();
      }
    }
  }

  function drawGenerated(ctx, canvas) {
    if (!state.generated) return;
    ctx.save(); ctx.lineWidth = 2.2;
    state.generated.X.forEach((p, k) => {
      const [px, py] = toPixel(canvas, p);
      ctx.strokeStyle = "#1f2933";
      ctx.beginPath(); ctx.moveTo(px - 5, py - 5); ctx.lineTo(px + 5, py + 5);
      ctx.moveTo(px + 5, py - 5); ctx.lineTo(px - 5, py + 5); ctx.stroke();
      ctx.strokeStyle = GVD.COLORS[state.generated.y[k]]; ctx.lineWidth = 1.4;
      ctx.beginPath(); ctx.moveTo(px - 4, py - 4); ctx.lineTo(px + 4, py + 4);
      ctx.moveTo(px + 4, py - 4); ctx.lineTo(px - 4, py + 4); ctx.stroke();
      ctx.lineWidth = 2.2;
    });
    ctx.restore();
  }

  function drawImputedLine(ctx, canvas) {
    const v = state.view;
    if (!v || !v.hide_x2) return;
    const [x0, py] = toPixel(canvas, [state.domain[0], v.x2_fill]);
    const [x1] = toPixel(canvas, [state.domain[1], v.x2_fill]);
    ctx.save();
    ctx.strokeStyle = "#1f2933"; ctx.setLineDash([6, 4]); ctx.lineWidth = 1.5;
    ctx.beginPath(); ctx.moveTo(x0, py); ctx.lineTo(x1, py); ctx.stroke();
    ctx.fillStyle = "#1f2933"; ctx.font = "15px system-ui, sans-serif"; ctx.textBaseline = "bottom";
    ctx.fillText(`x₂ filled in with its mean, ${v.x2_fill.toFixed(2)}`, x0 + 6, py - 3);
    ctx.restore();
  }

  function draw(role) {
    const canvas = $(role === "generative" ? "gen-canvas" : "disc-canvas");
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, canvas.width, canvas.height);
    const v = state.view;
    if (v) {
      const panel = v[role];
      drawRegions(ctx, canvas, panel, v.grid_size);
      if (role === "generative") {
        for (const c of v.contours) {
          drawLines(ctx, canvas, c.lines, GVD.COLORS[c.class], c.mass < 0.75 ? 2.2 : 1.6, c.mass < 0.75 ? [] : [6, 4]);
        }
      }
      drawLines(ctx, canvas, panel.boundaries, "#1f2933", 2);
      if (role === "discriminative") drawImputedLine(ctx, canvas);
    }
    drawAxes(ctx, canvas);
    drawPoints(ctx, canvas);
    if (role === "generative") drawGenerated(ctx, canvas);
  }

  function redraw() { draw("discriminative"); draw("generative"); }

  // ---------------------------------------------------------------- server calls
  function request() {
    return {
      X: state.X, y: state.y,
      generative: $("gen-model").value, discriminative: $("disc-model").value,
      hide_x2: $("hide-x2").checked, domain: state.domain, seed: 0,
    };
  }

  function showView(v, serverMs) {
    state.view = v;
    for (const [role, id] of [["generative", "gen"], ["discriminative", "disc"]]) {
      $(`${id}-acc`).textContent = GVD.pct(v[role].test_accuracy);
      $(`${id}-ms`).textContent = `${v[role].fit_ms.toFixed(0)} ms`;
      $(`${id}-name`).textContent = v[role].name;
    }
    $("caption").textContent = v.caption;
    $("status").textContent = `${state.X.length} points · refit in ${serverMs === null ? "?" : serverMs.toFixed(0)} ms on the server`;
    redraw();
  }

  async function refit() {
    GVD.showError($("error"), null);
    if (state.controller) state.controller.abort();
    const classes = new Set(state.y);
    if (classes.size < 2) {
      state.view = null; redraw();
      $("caption").textContent = "Add points of at least two classes: pick a class above, then click a picture.";
      ["gen-acc", "disc-acc", "gen-ms", "disc-ms"].forEach((id) => { $(id).textContent = "–"; });
      $("status").textContent = `${state.X.length} points`;
      document.body.dataset.fits = String(Number(document.body.dataset.fits || 0));
      return;
    }
    state.controller = new AbortController();
    $("status").textContent = "fitting…";
    try {
      const { data, serverMs } = await GVD.api("/api/playground/fit", request(), state.controller.signal);
      showView(data, serverMs);
      document.body.dataset.fits = String(Number(document.body.dataset.fits || 0) + 1);
    } catch (err) {
      if (err.name === "AbortError") return;
      GVD.showError($("error"), err);
      $("status").textContent = "";
    }
  }

  function scheduleRefit(delay) {
    clearTimeout(state.timer);
    state.timer = setTimeout(refit, delay === undefined ? 120 : delay);
  }

  async function loadDataset() {
    GVD.showError($("error"), null);
    const body = {
      name: $("dataset").value, n_samples: Number($("n-samples").value),
      noise: Number($("noise").value), seed: state.seed,
    };
    try {
      const { data } = await GVD.api("/api/playground/dataset", body);
      state.X = data.X; state.y = data.y; state.domain = data.domain;
      state.history = []; state.generated = null;
      scheduleRefit(0);
    } catch (err) {
      GVD.showError($("error"), err);
    }
  }

  async function generate() {
    GVD.showError($("error"), null);
    try {
      const { data } = await GVD.api("/api/playground/generate", { ...request(), n: 100, seed: state.seed++ });
      state.generated = data; draw("generative");
    } catch (err) {
      GVD.showError($("error"), err);
    }
  }

  async function askDetective() {
    // The detective has nothing to draw from: the server relays its own refusal.
    try {
      const { data } = await GVD.api("/api/playground/draw", request());
      $("disc-says").textContent = `“${data.message}”`;
    } catch (err) {
      GVD.showError($("error"), err);
    }
  }

  async function loadModels() {
    const { data } = await GVD.api("/api/models");
    const fill = (id, items, preferred) => {
      const sel = $(id);
      sel.replaceChildren(...items.map((m) => GVD.el("option", { value: m.name, text: m.name })));
      if (items.some((m) => m.name === preferred)) sel.value = preferred;
      sel.dataset.desc = JSON.stringify(Object.fromEntries(items.map((m) => [m.name, m.description])));
    };
    // a matched pair by default: both draw flexible boundaries, so the gap is
    // family, not flexibility (the caption says so, and says it when a pick mismatches)
    fill("gen-model", data.generative, "gmm");
    fill("disc-model", data.discriminative, "knn");
    describeModels();
  }

  function describeModels() {
    for (const id of ["gen", "disc"]) {
      const sel = $(`${id}-model`);
      const desc = JSON.parse(sel.dataset.desc || "{}");
      $(`${id}-desc`).textContent = desc[sel.value] || "";
      $(`${id}-name`).textContent = sel.value;
    }
  }

  // ---------------------------------------------------------------- events
  function onCanvasClick(event) {
    const canvas = event.currentTarget;
    const rect = canvas.getBoundingClientRect();
    const px = ((event.clientX - rect.left) / rect.width) * canvas.width;
    const py = ((event.clientY - rect.top) / rect.height) * canvas.height;
    const b = plotBox(canvas);
    if (px < b.x0 || px > b.x0 + b.w || py < b.y0 || py > b.y0 + b.h) return;
    const p = toData(canvas, px, py).map((v) => Math.round(v * 1e4) / 1e4);
    state.X.push(p); state.y.push(state.cls); state.history.push("add");
    state.generated = null;
    redraw();
    scheduleRefit();
  }

  function bind() {
    $("n-samples-value").textContent = $("n-samples").value;
    $("noise-value").textContent = $("noise").value;
    $("dataset").addEventListener("change", () => {
      // each toy has its own natural noise scale
      const noise = { moons: 0.2, circles: 0.1, blobs: 1.0, spirals: 0.1, xor: 0.35 }[$("dataset").value];
      $("noise").max = $("dataset").value === "blobs" ? "3" : "1";
      $("noise").value = String(noise); $("noise-value").textContent = String(noise);
      loadDataset();
    });
    $("n-samples").addEventListener("input", () => { $("n-samples-value").textContent = $("n-samples").value; });
    $("noise").addEventListener("input", () => { $("noise-value").textContent = $("noise").value; });
    $("n-samples").addEventListener("change", loadDataset);
    $("noise").addEventListener("change", loadDataset);
    $("redraw").addEventListener("click", () => { state.seed++; loadDataset(); });
    document.querySelectorAll(".swatch").forEach((btn) => btn.addEventListener("click", () => {
      state.cls = Number(btn.dataset.class);
      document.querySelectorAll(".swatch").forEach((b) => b.setAttribute("aria-pressed", String(b === btn)));
    }));
    $("undo").addEventListener("click", () => {
      if (!state.X.length) return;
      state.X.pop(); state.y.pop(); state.generated = null; redraw(); scheduleRefit();
    });
    $("clear").addEventListener("click", () => {
      state.X = []; state.y = []; state.generated = null; state.view = null; redraw(); scheduleRefit(0);
    });
    for (const id of ["gen-model", "disc-model"]) {
      $(id).addEventListener("change", () => { describeModels(); state.generated = null; scheduleRefit(0); });
    }
    $("hide-x2").addEventListener("change", () => scheduleRefit(0));
    $("generate").addEventListener("click", generate);
    $("clear-generated").addEventListener("click", () => { state.generated = null; draw("generative"); });
    $("disc-generate").addEventListener("click", askDetective);
    $("gen-canvas").addEventListener("click", onCanvasClick);
    $("disc-canvas").addEventListener("click", onCanvasClick);
  }

  bind();
  redraw();
  loadModels().then(loadDataset).catch((err) => GVD.showError($("error"), err));
})();
