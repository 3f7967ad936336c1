// The playground's state in the page address (after #), so a link restores it exactly.
// Points a data set drew are named by the data set, its size, noise and seed (the server
// draws the same points again); points the user changed are written out, 4 decimals each.
"use strict";

const PGShare = (() => {
  const round = (v) => Math.round(v * 1e4) / 1e4;

  // state: {dataset, n, noise, seed, gen, disc, hide, edited, X, y, domain, iteration,
  //         lesson, ls (lesson step), lock (controls hidden by teacher mode)}
  function encode(s) {
    const q = new URLSearchParams();
    q.set("data", s.dataset); q.set("n", String(s.n)); q.set("noise", String(s.noise));
    q.set("seed", String(s.seed)); q.set("gen", s.gen); q.set("disc", s.disc);
    if (s.hide) q.set("hide", "x2");
    if (s.iteration) q.set("step", String(s.iteration));
    if (s.lesson) { q.set("lesson", s.lesson); q.set("ls", String(s.ls || 0)); }
    if (s.lock && s.lock.length) q.set("lock", s.lock.join(","));
    if (s.edited) {
      q.set("pts", s.X.map((p, k) => `${round(p[0])}_${round(p[1])}_${s.y[k]}`).join("~"));
      q.set("dom", s.domain.map(round).join("_"));
    }
    return "#" + q.toString();
  }

  // The state a hash names, or null when it names none; a malformed part is left out.
  function decode(hash) {
    if (!hash || hash.length < 2) return null;
    const q = new URLSearchParams(hash.slice(1));
    if (!q.has("data")) return null;
    const num = (key, lo, hi) => {
      const v = Number(q.get(key));
      return q.has(key) && Number.isFinite(v) && v >= lo && v <= hi ? v : null;
    };
    const out = {
      dataset: q.get("data"), n: num("n", 8, 2000), noise: num("noise", 0, 3),
      seed: num("seed", 0, 2 ** 31 - 1), gen: q.get("gen"), disc: q.get("disc"),
      hide: q.get("hide") === "x2", iteration: num("step", 0, 100000) || 0, edited: false,
      lesson: q.get("lesson"), ls: num("ls", 0, 100) || 0,
      lock: (q.get("lock") || "").split(",").filter((x) => /^[a-z]+$/.test(x)),
    };
    if (q.has("pts")) {
      const rows = q.get("pts") ? q.get("pts").split("~").map((r) => r.split("_").map(Number)) : [];
      const dom = (q.get("dom") || "").split("_").map(Number);
      const ok = rows.every((r) => r.length === 3 && r.every(Number.isFinite) && r[2] >= -1 && r[2] <= 3)
        && dom.length === 4 && dom.every(Number.isFinite) && dom[0] < dom[1] && dom[2] < dom[3];
      if (ok) {
        out.edited = true;
        out.X = rows.map((r) => [r[0], r[1]]); out.y = rows.map((r) => r[2]); out.domain = dom;
      }
    }
    return out;
  }

  return { encode, decode };
})();
