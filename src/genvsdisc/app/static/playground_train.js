// "Watch it learn": play, pause, step and reset a training session on the server, and
// chart train/test log-loss and accuracy of both models by step.
"use strict";

const PGTrain = (pg) => {
  // pg: {request(): fit body, view(): {hide_x2, domain}, show(view, serverMs), error(err), changed()}
  const $ = (id) => document.getElementById(id);
  const ROLE_COLORS = { discriminative: "#0b6e4f", generative: "#8a3ffc" };
  const HOW = {
    gradient: "L-BFGS steps", epochs: "epochs of Adam", em: "EM iterations",
    semi_em: "EM iterations over the unlabeled points",
  };
  let session = null, playing = false, history = [], last = null, pending = null;

  function record(view) {
    last = view;
    const row = { it: view.training.iteration };
    for (const role of ["generative", "discriminative"]) {
      const p = view[role];
      row[role] = { trl: p.train_loss, tel: p.test_loss, tra: p.train_accuracy, tea: p.test_accuracy };
    }
    if (history.length && history[history.length - 1].it === row.it) history.pop();
    history.push(row);
    drawChart();
    notes(view.training);
    $("iteration").textContent = `step ${view.training.iteration}${view.training.done ? " · finished" : ""}`;
    document.body.dataset.step = String(view.training.iteration);
  }

  function notes(t) {
    const parts = [];
    for (const [role, who] of [["discriminative", "Detective"], ["generative", "Artist"]]) {
      const m = t[role];
      if (m.kind === "one_step") parts.push(`${who} (${m.name}): ${m.why}`);
      else parts.push(`${who} (${m.name}): ${m.iteration} ${HOW[m.kind]}${m.done ? ", converged" : ""}.`);
    }
    $("train-notes").textContent = parts.join(" ");
  }

  async function call(path, body) {
    const { data, serverMs } = await GVD.api(path, body);
    if (data.session) session = data.session;
    // hiding x2 changes what the figures measure: the chart starts again from this step
    if (last && last.hide_x2 !== data.hide_x2) history = [];
    record(data);
    pg.show(data, serverMs);
    pg.changed();
    return data;
  }

  // Start from the seeded state at step 1 (reset is the same call: the same start again).
  function start() {
    history = [];
    return call("/api/playground/train", pg.request());
  }

  async function advance(k) {
    if (!session) {
      await start();
      k -= 1;
      if (k <= 0) return last;
    }
    try {
      return await call("/api/playground/step", { session, k, ...pg.view() });
    } catch (err) {
      if (!/no such training session/.test(err.message)) throw err;
      session = null;  // expired on the server: start again from the same seeded state
      return advance(k);
    }
  }

  // One request at a time: a click while a frame is on its way waits for it.
  function queue(fn) {
    pending = (pending || Promise.resolve()).then(fn).catch((err) => { pause(); pg.error(err); });
    return pending;
  }

  async function loop() {
    while (playing) {
      const view = await advance(1);
      if (!view || view.training.done) pause();
    }
  }

  function setPlaying(on) {
    playing = on;
    $("play").textContent = on ? "❚❚ Pause" : "▶ Play";
    $("play").setAttribute("aria-pressed", String(on));
  }
  function play() { if (!playing) { setPlaying(true); queue(loop); } }
  function pause() { setPlaying(false); }

  // Data or models changed: the pictures show the finished fit until Play or Step.
  function invalidate() {
    pause();
    session = null; history = []; last = null;
    $("iteration").textContent = "finished fit";
    $("train-notes").textContent = "";
    document.body.dataset.step = "0";
    drawChart();
  }

  function drawChart() {
    const canvas = $("chart"), ctx = canvas.getContext("2d");
    const W = canvas.width, H = canvas.height, L = 62, R = 8;
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
    const top = { y0: 16, h: (H - 40) / 2 }, bottom = { y0: 24 + (H - 40) / 2, h: (H - 40) / 2 };
    const minIt = history.length ? history[0].it : 1;
    const maxIt = Math.max(minIt + 9, ...history.map((r) => r.it));
    const losses = history.flatMap((r) => [r.generative, r.discriminative].flatMap((m) => [m.trl, m.tel]))
      .filter((v) => v !== null && v !== undefined);
    const maxLoss = Math.max(0.1, ...losses.map((v) => Math.min(v, 3)));
    ctx.font = "11px system-ui, sans-serif"; ctx.fillStyle = "#52606d"; ctx.textBaseline = "middle";
    ctx.textAlign = "right";
    ctx.fillText("log-loss", L - 4, top.y0 + 4); ctx.fillText(maxLoss.toFixed(1), L - 4, top.y0 + 16);
    ctx.fillText("accuracy", L - 4, bottom.y0 + 4); ctx.fillText("100 %", L - 4, bottom.y0 + 16);
    ctx.fillText("0", L - 4, bottom.y0 + bottom.h);
    ctx.textAlign = "left";
    ctx.fillText(history.length ? `step ${minIt} … ${maxIt}` : "press Play or Step to watch both models train", L, H - 6);
    ctx.strokeStyle = "#d9e2ec";
    for (const box of [top, bottom]) ctx.strokeRect(L, box.y0, W - L - R, box.h);
    const x = (it) => L + ((it - minIt) / Math.max(1, maxIt - minIt)) * (W - L - R);
    const series = (box, role, key, scale, dash) => {
      const pts = history.filter((r) => r[role][key] !== null && r[role][key] !== undefined);
      if (!pts.length) return;
      ctx.save(); ctx.strokeStyle = ROLE_COLORS[role]; ctx.lineWidth = 1.8; ctx.setLineDash(dash);
      ctx.beginPath();
      pts.forEach((r, k) => {
        const v = Math.min(r[role][key] / scale, 1), px = x(r.it), py = box.y0 + box.h * (1 - v);
        k ? ctx.lineTo(px, py) : ctx.moveTo(px, py);
      });
      if (pts.length === 1) ctx.arc(x(pts[0].it), box.y0 + box.h * (1 - Math.min(pts[0][role][key] / scale, 1)), 1.5, 0, 7);
      ctx.stroke(); ctx.restore();
    };
    for (const role of ["discriminative", "generative"]) {
      series(top, role, "trl", maxLoss, []); series(top, role, "tel", maxLoss, [4, 3]);
      series(bottom, role, "tra", 1, []); series(bottom, role, "tea", 1, [4, 3]);
    }
  }

  return {
    play, pause, invalidate,
    toggle: () => (playing ? pause() : play()),
    step: () => { pause(); return queue(() => advance(1)); },
    reset: () => { pause(); session = null; return queue(start); },
    // repaint the current state (hide x2, new picture bounds) without training further
    repaint: () => queue(() => advance(0)),
    restoreTo: (it) => queue(async () => {
      await start();
      for (let left = it - 1; left > 0; left -= 50) await advance(Math.min(50, left));
    }),
    active: () => session !== null,
    iteration: () => (last ? last.training.iteration : 0),
    draw: drawChart,
  };
};
