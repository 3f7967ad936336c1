// Image lab: the artist draws digits, the judge reads them, the detective explains why it cannot draw.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  let seed = 0;
  let descriptions = {};

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
    $("keyline").replaceChildren(
      "Under each drawing: the judge's reading and its confidence. ",
      GVD.el("span", { class: "ok", text: "Green" }), " = the judge agrees with the artist; ",
      GVD.el("span", { class: "no", text: "red" }), " = it read another digit.");
    document.body.dataset.generated = String(data.images.length);
  }

  function generate() {
    return GVD.labRequest({
      button: $("generate"), status: $("status"), error: $("error"),
      busyText: "drawing… (the first time, the artist and the judge are trained first)",
      path: "/api/images/generate",
      body: { model: $("model").value, n_per_class: Number($("per-class").value), seed: seed++ },
      show,
    });
  }

  async function askDetective() {
    GVD.showError($("error"), null);
    GVD.busy($("detective-says"), "asking…");
    try {
      const { data } = await GVD.api("/api/images/draw", { model: $("detective").value });
      $("detective-says").textContent = `“${data.message}”`;
    } catch (err) {
      $("detective-says").textContent = "";
      GVD.showError($("error"), err);
    }
  }

  async function init() {
    const { data } = await GVD.api("/api/images/info");
    const option = (m) => GVD.el("option", {
      value: m.name, text: m.deep && !m.ready ? `${m.name} (deep: trains on first use, ~1-2 min)` : m.name,
    });
    $("model").replaceChildren(...data.models.map(option));
    $("detective").replaceChildren(...data.detectives.map(option));
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
