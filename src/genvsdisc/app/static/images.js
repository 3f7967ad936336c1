// Image lab: the artist draws digits, the judge reads them, the detective explains why it cannot draw.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  let seed = 0;
  let descriptions = {};
  let latest = { models: [] };  // the last /api/images/info: what the server has trained

  function drawDigit(canvas, pixels, shape) {
    const [h, w] = shape;
    canvas.width = w; canvas.height = h;
    const ctx = canvas.getContext("2d");
    const img = ctx.createImageData(w, h);
    pixels.forEach((v, k) => {
      const g = Math.round(255 * Math.min(1, Math.max(0, v)));  // white ink on black, like the data
      img.data.set([g, g, g, 255], 4 * k);
    });
    ctx.putImageData(img, 0, 0);
  }

  function show(data) {
    const grid = $("grid");
    grid.replaceChildren();
    data.classes.forEach((name, k) => {
      const row = GVD.el("div", { class: "digit-row" }, GVD.el("div", { class: "rowlabel", text: `draw “${name}”` }));
      data.images.filter((im) => im.class === k).forEach((im) => {
        const canvas = document.createElement("canvas");
        drawDigit(canvas, im.pixels, data.image_shape);
        const ok = im.judged === im.class;
        const said = `${data.classes[im.judged]} · ${Math.round(100 * im.confidence)}%`;
        const cell = GVD.el("div", { class: ok ? "digit" : "digit miss", title: `judge: ${said}` }, canvas, GVD.el("span", { text: said }));
        row.append(cell);
      });
      grid.append(row);
    });
    $("summary").textContent =
      `The judge (${data.judge.name}, ${GVD.pct(data.judge.test_accuracy)} right on real test digits) ` +
      `recognised ${GVD.pct(data.agreement)} of the ${data.images.length} digits that ${data.model.name} drew. ` +
      `As a classifier, ${data.model.name} itself gets ${GVD.pct(data.model.test_accuracy)} of real test digits right.`;
    showScores(data);
    $("keyline").replaceChildren(
      "Under each drawing: the judge's reading and its confidence. ",
      GVD.el("span", { class: "ok", text: "Green" }), " = the judge agrees with the artist; ",
      GVD.el("span", { class: "no", text: "red" }), " = it read another digit.");
    document.body.dataset.generated = String(data.images.length);
  }

  // Judge agreement rewards bland drawings, so two more numbers stand beside it.
  function showScores(data) {
    const d = data.diversity, m = data.memorisation;
    const variety = d.ratio === null
      ? "needs two or more drawings per digit"
      : `${d.ratio.toFixed(2)} × the spread of real digits of the same class (1 = as varied as real digits, 0 = one drawing repeated)`;
    const copies = m.copies === 0 ? "no drawing is an exact copy of a training digit"
      : `${m.copies} drawing${m.copies === 1 ? " is an exact copy" : "s are exact copies"} of training digits (real test digits: ${m.test_copies})${m.copying ? ", more than chance allows" : ""}`;
    const rows = [
      ["Judge agreement", `${GVD.pct(data.agreement)} read as the digit meant (${data.judge.name})`],
      ["Diversity", variety],
      ["Memorisation", `drawings lie ${m.ratio.toFixed(2)} × as far from their nearest training digit as real test digits do (well below 1 = copying); ${copies}`],
    ];
    $("scores").replaceChildren(...rows.flatMap(([term, text]) => [GVD.el("dt", { text: term }), GVD.el("dd", { text })]));
  }

  // A model that trains for more than a second is trained in the background first,
  // with a progress bar, so the page says what is happening instead of a bare spinner.
  async function generate() {
    const name = $("model").value;
    const entry = latest.models.find((m) => m.name === name);
    if (entry && !entry.ready && entry.estimate_seconds > 1) {
      $("generate").disabled = true;
      $("summary").textContent = `Training ${name} on real digits before it can draw (about ${entry.estimate_seconds} s the first time).`;
      try {
        latest = await LabTraining.train({
          trainPath: "/api/images/train", infoPath: "/api/images/info", name,
          pick: (info) => info.models.find((m) => m.name === name), bar: $("train-progress"), label: $("status"),
        });
      } catch (err) {
        GVD.showError($("error"), err);
        $("status").textContent = "";
        return;
      } finally {
        $("generate").disabled = false;
      }
    }
    return GVD.labRequest({
      button: $("generate"), status: $("status"), error: $("error"),
      busyText: "drawing… (the first time, the artist and the judge are trained first)",
      path: "/api/images/generate",
      body: { model: $("model").value, n_per_class: Number($("per-class").value), seed: seed++ },
      show: (data) => { show(data); refreshMenus(); },
    });
  }

  async function askDetective() {
    GVD.showError($("error"), null);
    GVD.busy($("detective-says"), "asking…");
    try {
      const { data } = await GVD.api("/api/images/draw", { model: $("detective").value });
      $("detective-says").textContent = `“${data.message}”`;
      refreshMenus();  // asking trained the detective
    } catch (err) {
      $("detective-says").textContent = "";
      GVD.showError($("error"), err);
    }
  }

  // The menus say what the server has trained, so they are redrawn after every generation.
  async function refreshMenus() {
    const { data } = await GVD.api("/api/images/info");
    const option = (m) => GVD.el("option", { value: m.name, text: `${m.name} · ${m.status}` });
    const fill = (select, models) => {
      const chosen = select.value;
      select.replaceChildren(...models.map(option));
      if (chosen) select.value = chosen;
    };
    fill($("model"), data.models);
    fill($("detective"), data.detectives);
    $("judge-name").textContent = `${data.judge.name}, a discriminative model`;
    latest = data;
    return data;
  }

  async function init() {
    const data = await refreshMenus();
    descriptions = Object.fromEntries(data.models.map((m) => [m.name, m.description]));
    $("model-desc").textContent = descriptions[$("model").value] || "";
  }

  $("per-class-value").textContent = $("per-class").value;
  $("per-class").addEventListener("input", () => { $("per-class-value").textContent = $("per-class").value; });
  $("model").addEventListener("change", () => { $("model-desc").textContent = descriptions[$("model").value] || ""; });
  $("generate").addEventListener("click", generate);
  $("draw").addEventListener("click", askDetective);
  // the refusal was about the detective that was asked: another one has not refused yet
  $("detective").addEventListener("change", () => { $("detective-says").textContent = ""; });
  $("model").addEventListener("change", () => { $("detective-says").textContent = ""; });
  init().catch((err) => GVD.showError($("error"), err));
})();
