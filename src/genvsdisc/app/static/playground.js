// The 2-D playground: points in, two fitted models out, drawn side by side.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const state = {
    X: [], y: [], history: [], domain: [-2, 2, -2, 2],
    cls: 0, view: null, generated: null, seed: 0, controller: null, timer: null,
    edited: false, cursor: null, probe: null,
  };
  const NOISE = { moons: 0.2, circles: 0.1, blobs: 1.0, spirals: 0.1, xor: 0.35 };

  const { draw, redraw, plotBox, toData } = PGDraw(state);

  // ---------------------------------------------------------------- server calls
  function request() {
    return {
      X: state.X, y: state.y,
      generative: $("gen-model").value, discriminative: $("disc-model").value,
      hide_x2: $("hide-x2").checked, domain: state.domain, seed: 0,
    };
  }

  function accText(panel, hidden) {
    if (panel.test_accuracy === null) return "none held out yet";
    if (!hidden) return GVD.pct(panel.test_accuracy);
    return `${GVD.pct(panel.test_accuracy_x2_shown)} → ${GVD.pct(panel.test_accuracy)}`;
  }

  function showView(v, serverMs) {
    state.view = v;
    for (const [role, id] of [["generative", "gen"], ["discriminative", "disc"]]) {
      $(`${id}-acc`).textContent = accText(v[role], v.hide_x2);
      $(`${id}-train`).textContent = GVD.pct(v[role].train_accuracy);
      $(`${id}-ms`).textContent = `${v[role].fit_ms.toFixed(0)} ms`;
      $(`${id}-name`).textContent = v[role].name;
    }
    $("caption").textContent = v.caption;
    $("disc-imputed").textContent = v.hide_x2
      ? `Dashed line: x₂ filled in with its training mean, ${v.x2_fill.toFixed(2)}; the detective reads every x₁ along it.`
      : "";
    const labeled = state.y.filter((c) => c >= 0).length;
    const unl = state.X.length - labeled;
    $("status").textContent = `${state.X.length} points${unl ? ` (${unl} unlabeled)` : ""} · ` +
      `${v.training ? "step" : "refit"} in ${serverMs === null ? "?" : serverMs.toFixed(0)} ms on the server`;
    redraw();
  }

  function blank(message) {
    state.view = null; redraw();
    $("caption").textContent = message;
    ["gen-acc", "disc-acc", "gen-train", "disc-train", "gen-ms", "disc-ms"].forEach((id) => { $(id).textContent = "–"; });
    $("status").textContent = `${state.X.length} points`;
  }

  async function refit() {
    GVD.showError($("error"), null);
    if (state.controller) state.controller.abort();
    trainer.invalidate();
    saveUrl();
    const classes = new Set(state.y.filter((c) => c >= 0));
    if (classes.size < 2) {
      blank("Add points of at least two classes: pick a class above, then click a picture.");
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

  // Anything that changes the data or the models: the detective's refusal and the
  // artist's drawings were about the old ones, so they go.
  function dataChanged() {
    $("disc-says").textContent = "";
    state.generated = null;
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
      state.history = []; state.edited = false; dataChanged();
      scheduleRefit(0);
    } catch (err) {
      GVD.showError($("error"), err);
    }
  }

  async function generate() {
    GVD.showError($("error"), null);
    try {
      const { data } = await GVD.api("/api/playground/generate", { ...request(), n: 100, seed: state.genSeed = (state.genSeed || 0) + 1 });
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

  // ---------------------------------------------------------------- the address holds the state
  function shareState() {
    return {
      dataset: $("dataset").value, n: Number($("n-samples").value), noise: Number($("noise").value),
      seed: state.seed, gen: $("gen-model").value, disc: $("disc-model").value,
      hide: $("hide-x2").checked, edited: state.edited, X: state.X, y: state.y, domain: state.domain,
      iteration: trainer.active() ? trainer.iteration() : 0,
      ...lessons.current(), lock: lessons.locked(),
    };
  }
  function saveUrl() { history.replaceState(null, "", PGShare.encode(shareState())); }

  // Set the controls from the address; true when it named a state.
  function restoreControls(s) {
    if (!s) return false;
    if ([...$("dataset").options].some((o) => o.value === s.dataset)) $("dataset").value = s.dataset;
    setNoiseRange();
    if (s.n !== null) $("n-samples").value = String(s.n);
    if (s.noise !== null) $("noise").value = String(s.noise);
    $("n-samples-value").textContent = $("n-samples").value; $("noise-value").textContent = $("noise").value;
    if (s.seed !== null) state.seed = s.seed;
    for (const [id, name] of [["gen-model", s.gen], ["disc-model", s.disc]]) {
      if ([...$(id).options].some((o) => o.value === name)) $(id).value = name;
    }
    $("hide-x2").checked = s.hide;
    describeModels();
    return true;
  }

  // A lesson's far point must be on the pictures (and the regions drawn out to it):
  // widen the domain to hold it, with the default domain's 10 % margin.
  function includeProbe() {
    const p = state.probe, d = state.domain;
    if (!p) return;
    const x0 = Math.min(d[0], p[0]), x1 = Math.max(d[1], p[0]);
    const y0 = Math.min(d[2], p[1]), y1 = Math.max(d[3], p[1]);
    const mx = 0.1 * (x1 - x0), my = 0.1 * (y1 - y0);
    state.domain = [
      p[0] < d[0] ? x0 - mx : x0, p[0] > d[1] ? x1 + mx : x1,
      p[1] < d[2] ? y0 - my : y0, p[1] > d[3] ? y1 + my : y1,
    ];
  }

  async function restore(s) {
    if (s && s.edited) {
      state.X = s.X; state.y = s.y; state.domain = s.domain; state.edited = true;
      includeProbe();
      await refit();
    } else {
      await loadDataset();
      includeProbe();
      clearTimeout(state.timer);
      await refit();
    }
    if (s && s.iteration > 0) await trainer.restoreTo(s.iteration);
  }

  // ---------------------------------------------------------------- events
  function addPoint(p) {
    state.X.push(p); state.y.push(state.cls); state.history.push("add");
    state.edited = true; dataChanged();
    redraw();
    scheduleRefit();
  }

  function onCanvasClick(event) {
    const canvas = event.currentTarget;
    const rect = canvas.getBoundingClientRect();
    const px = ((event.clientX - rect.left) / rect.width) * canvas.width;
    const py = ((event.clientY - rect.top) / rect.height) * canvas.height;
    const b = plotBox(canvas);
    if (px < b.x0 || px > b.x0 + b.w || py < b.y0 || py > b.y0 + b.h) return;
    addPoint(toData(canvas, px, py).map((v) => Math.round(v * 1e4) / 1e4));
  }

  function chooseClass(cls) {
    state.cls = cls;
    document.querySelectorAll(".swatch").forEach((b) => b.setAttribute("aria-pressed", String(Number(b.dataset.class) === cls)));
    redraw();
  }

  // Keyboard use of the pictures: arrows move a cursor (shift: bigger steps), Enter or
  // space adds a point there, 1-4 choose the class, 0 an unlabeled point.
  function onCanvasKey(event) {
    const d = state.domain, f = event.shiftKey ? 0.1 : 0.025;
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    if (!state.cursor) state.cursor = [(d[0] + d[1]) / 2, (d[2] + d[3]) / 2];
    if (moves[event.key]) {
      const [dx, dy] = moves[event.key];
      state.cursor = [
        Math.min(d[1], Math.max(d[0], state.cursor[0] + dx * f * (d[1] - d[0]))),
        Math.min(d[3], Math.max(d[2], state.cursor[1] + dy * f * (d[3] - d[2]))),
      ];
      $("cursor-at").textContent = `cursor at x₁ = ${state.cursor[0].toFixed(2)}, x₂ = ${state.cursor[1].toFixed(2)}`;
    } else if (event.key === "Enter" || event.key === " ") {
      addPoint(state.cursor.map((v) => Math.round(v * 1e4) / 1e4));
      $("cursor-at").textContent = `added a point at x₁ = ${state.cursor[0].toFixed(2)}, x₂ = ${state.cursor[1].toFixed(2)}`;
    } else if (/^[0-4]$/.test(event.key)) {
      chooseClass(event.key === "0" ? -1 : Number(event.key) - 1);
    } else {
      return;
    }
    event.preventDefault();
    redraw();
  }

  function setNoiseRange() {
    $("noise").max = $("dataset").value === "blobs" ? "3" : "1";
  }

  function bind() {
    $("n-samples-value").textContent = $("n-samples").value;
    $("noise-value").textContent = $("noise").value;
    $("dataset").addEventListener("change", () => {
      // each toy has its own natural noise scale
      const noise = NOISE[$("dataset").value];
      setNoiseRange();
      $("noise").value = String(noise); $("noise-value").textContent = String(noise);
      loadDataset();
    });
    $("n-samples").addEventListener("input", () => { $("n-samples-value").textContent = $("n-samples").value; });
    $("noise").addEventListener("input", () => { $("noise-value").textContent = $("noise").value; });
    $("n-samples").addEventListener("change", loadDataset);
    $("noise").addEventListener("change", loadDataset);
    $("redraw").addEventListener("click", () => { state.seed++; loadDataset(); });
    document.querySelectorAll(".swatch").forEach((btn) => btn.addEventListener("click", () => chooseClass(Number(btn.dataset.class))));
    $("undo").addEventListener("click", () => {
      if (!state.X.length) return;
      state.X.pop(); state.y.pop(); state.edited = true; dataChanged(); redraw(); scheduleRefit();
    });
    $("clear").addEventListener("click", () => {
      state.X = []; state.y = []; state.edited = true; dataChanged(); state.view = null; redraw(); scheduleRefit(0);
    });
    for (const id of ["gen-model", "disc-model"]) {
      $(id).addEventListener("change", () => { describeModels(); dataChanged(); scheduleRefit(0); });
    }
    $("hide-x2").addEventListener("change", () => {
      if (trainer.active()) { trainer.repaint(); return; }
      scheduleRefit(0);
    });
    $("generate").addEventListener("click", generate);
    $("clear-generated").addEventListener("click", () => { state.generated = null; draw("generative"); });
    $("disc-generate").addEventListener("click", askDetective);
    for (const id of ["gen-canvas", "disc-canvas"]) {
      $(id).addEventListener("click", onCanvasClick);
      $(id).addEventListener("keydown", onCanvasKey);
      $(id).addEventListener("blur", () => { state.cursor = null; redraw(); });
    }
    $("play").addEventListener("click", () => trainer.toggle());
    $("step").addEventListener("click", () => trainer.step());
    $("reset").addEventListener("click", () => trainer.reset());
    $("copy-link").addEventListener("click", async () => {
      saveUrl();
      try {
        await navigator.clipboard.writeText(location.href);
        $("copied").textContent = "copied";
      } catch (_) {
        $("copied").textContent = "copy the address bar: it holds this state";
      }
    });
  }

  const trainer = PGTrain({
    request,
    view: () => ({ hide_x2: $("hide-x2").checked, domain: state.domain }),
    show: showView,
    error: (err) => GVD.showError($("error"), err),
    changed: saveUrl,
  });

  // a lesson step's setup: the same path as a shared link
  // (with the step's own points when it has unlabeled ones)
  async function apply(setup, points) {
    const s = { ...setup, edited: Boolean(points), iteration: 0, ...(points || {}) };
    state.probe = setup.probe || null;
    restoreControls(s);
    await restore(s);
  }

  // hide x2 and wait for the refit (a lesson's reveal)
  async function hideX2() {
    $("hide-x2").checked = true;
    clearTimeout(state.timer);
    await refit();
  }

  // a closed lesson takes its far point with it
  function closed() { state.probe = null; redraw(); saveUrl(); }

  const lessons = PGLessons({ apply, generate, ask: askDetective, hide: hideX2, changed: saveUrl, closed });

  bind();
  GVD.tooltips();
  redraw();
  trainer.draw();
  const fromUrl = PGShare.decode(location.hash);
  Promise.all([loadModels(), lessons.load()])
    .then(async () => {
      if (fromUrl) lessons.applyLocks(fromUrl.lock, true);
      restoreControls(fromUrl);
      await restore(fromUrl);
      if (fromUrl && fromUrl.lesson) await lessons.open(fromUrl.lesson, fromUrl.ls);
    })
    .catch((err) => GVD.showError($("error"), err));
})();
