// The playground's two pictures: regions, boundaries, density rings, points, cursor.
"use strict";

// state: the page's state (X, y, domain, view, generated, cursor, cls), read at every draw
const PGDraw = (state) => {
  const $ = (id) => document.getElementById(id);
  const UNLABELED = "#7b8794";
  const colorOf = (c) => (c < 0 ? UNLABELED : GVD.COLORS[c]);
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
        ctx.lineWidth = 2; ctx.strokeStyle = colorOf(state.y[k]); ctx.stroke();
      } else {
        ctx.fillStyle = colorOf(state.y[k]); ctx.fill();
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
    // a short tag on the line; the full sentence is beside the plot (#disc-imputed)
    ctx.font = "bold 15px system-ui, sans-serif";
    const text = `x₂ = ${v.x2_fill.toFixed(2)} (mean)`;
    const box = labelSpot(canvas, ctx.measureText(text).width + 8, 20, x0, x1, py);
    ctx.setLineDash([]);
    ctx.fillStyle = "rgba(255, 255, 255, 0.9)"; ctx.fillRect(box.x, box.y, box.w, box.h);
    ctx.strokeStyle = "#1f2933"; ctx.lineWidth = 1; ctx.strokeRect(box.x, box.y, box.w, box.h);
    ctx.fillStyle = "#1f2933"; ctx.textBaseline = "middle";
    ctx.fillText(text, box.x + 4, box.y + box.h / 2);
    ctx.restore();
    document.body.dataset.labelCovers = String(box.covered);
    document.body.dataset.labelCoversWorst = String(box.worst);
  }

  // Where along the dashed line (above or below it, at one of nine places across) the
  // label covers the fewest points: it should not hide the data it describes.
  function labelSpot(canvas, w, h, x0, x1, py) {
    const b = plotBox(canvas), pts = state.X.map((p) => toPixel(canvas, p));
    let best = null, worst = 0;
    for (const y of [py - h - 3, py + 3]) {
      for (let k = 0; k <= 8; k++) {
        const x = x0 + 4 + (k / 8) * (x1 - x0 - w - 8);
        if (y < b.y0 || y + h > b.y0 + b.h) continue;
        const covered = pts.filter(([px, qy]) => px > x - 4 && px < x + w + 4 && qy > y - 4 && qy < y + h + 4).length;
        worst = Math.max(worst, covered);
        if (!best || covered < best.covered) best = { x, y, w, h, covered };
      }
    }
    return { ...(best || { x: x0 + 6, y: py - h - 3, w, h, covered: 0 }), worst };
  }

  function drawCursor(ctx, canvas) {
    if (!state.cursor) return;
    const [px, py] = toPixel(canvas, state.cursor);
    ctx.save();
    ctx.strokeStyle = "#1f2933"; ctx.lineWidth = 2;
    ctx.beginPath(); ctx.arc(px, py, 9, 0, 2 * Math.PI); ctx.stroke();
    ctx.strokeStyle = colorOf(state.cls); ctx.lineWidth = 3;
    ctx.beginPath(); ctx.moveTo(px - 14, py); ctx.lineTo(px - 5, py); ctx.moveTo(px + 5, py); ctx.lineTo(px + 14, py);
    ctx.moveTo(px, py - 14); ctx.lineTo(px, py - 5); ctx.moveTo(px, py + 5); ctx.lineTo(px, py + 14); ctx.stroke();
    ctx.restore();
  }

  // A lesson's far point: a dark diamond with its coordinates, on both pictures.
  function drawProbe(ctx, canvas) {
    const p = state.probe;
    if (!p) { delete document.body.dataset.probeAt; return; }
    const [px, py] = toPixel(canvas, p);
    ctx.save();
    ctx.beginPath();
    ctx.moveTo(px, py - 9); ctx.lineTo(px + 9, py); ctx.lineTo(px, py + 9); ctx.lineTo(px - 9, py); ctx.closePath();
    ctx.fillStyle = "#1f2933"; ctx.fill();
    ctx.lineWidth = 2; ctx.strokeStyle = "#fff"; ctx.stroke();
    ctx.font = "bold 14px system-ui, sans-serif"; ctx.textBaseline = "middle";
    const text = `new point (${p[0]}, ${p[1]})`, w = ctx.measureText(text).width;
    const b = plotBox(canvas), left = px + 14 + w > b.x0 + b.w;
    ctx.fillStyle = "rgba(255, 255, 255, 0.9)";
    ctx.fillRect(left ? px - 18 - w : px + 12, py - 10, w + 6, 20);
    ctx.fillStyle = "#1f2933"; ctx.fillText(text, left ? px - 15 - w : px + 15, py);
    ctx.restore();
    document.body.dataset.probeAt = `${Math.round(px)},${Math.round(py)}`;
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
    drawProbe(ctx, canvas);
    drawCursor(ctx, canvas);
  }

  function redraw() { draw("discriminative"); draw("generative"); }

  return { draw, redraw, plotBox, toData, toPixel, colorOf };
};
