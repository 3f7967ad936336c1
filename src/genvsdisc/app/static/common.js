// Shared helpers for the genvsdisc pages: JSON calls with readable errors, class colours.
"use strict";

const GVD = (() => {
  const COLORS = ["#2563eb", "#ea580c", "#16a34a", "#9333ea"];

  function rgb(hex) {
    const n = parseInt(hex.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }

  // POST/GET JSON; on a 4xx/5xx throw an Error carrying the server's one-line message.
  async function api(path, body, signal) {
    const opts = { method: body === undefined ? "GET" : "POST", signal };
    if (body !== undefined) {
      opts.headers = { "content-type": "application/json" };
      opts.body = JSON.stringify(body);
    }
    const started = performance.now();
    const res = await fetch(path, opts);
    let data = null;
    try {
      data = await res.json();
    } catch (_) {
      data = null;
    }
    if (!res.ok) {
      const msg = data && data.error ? data.error : `HTTP ${res.status}`;
      throw new Error(msg);
    }
    const timing = res.headers.get("server-timing") || "";
    const m = timing.match(/dur=([\d.]+)/);
    return {
      data,
      serverMs: m ? parseFloat(m[1]) : null,
      roundTripMs: performance.now() - started,
    };
  }

  function pct(x) {
    return x === null || x === undefined ? "–" : `${Math.round(100 * x)} %`;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c);
    return node;
  }

  function showError(target, err) {
    target.textContent = err ? String(err.message || err) : "";
  }

  function busy(target, text) {
    target.replaceChildren(el("span", { class: "spinner" }), text);
  }

  // One lab request: disable the button and show a spinner, call the server, then show
  // the answer and the server's time, or the server's one-line message; the button comes
  // back either way.
  async function labRequest({ button, status, error, busyText, path, body, show }) {
    showError(error, null);
    button.disabled = true;
    busy(status, busyText);
    try {
      const { data, serverMs } = await api(path, body);
      show(data);
      status.textContent = `done in ${(serverMs / 1000).toFixed(1)} s on the server`;
    } catch (err) {
      showError(error, err);
      status.textContent = "";
    } finally {
      button.disabled = false;
    }
  }

  // Hover and focus explanations: every [data-tip] element is described (aria-describedby)
  // by its text, and shows it in a bubble under it while hovered or focused.
  function tooltips() {
    const bubble = el("div", { class: "tip", role: "tooltip", id: "tip-bubble" });
    bubble.hidden = true;
    const texts = el("div", { class: "visually-hidden" });
    document.body.append(bubble, texts);
    document.querySelectorAll("[data-tip]").forEach((node, k) => {
      const id = `tip-${k}`;
      texts.append(el("span", { id, text: node.dataset.tip }));
      const before = node.getAttribute("aria-describedby");
      node.setAttribute("aria-describedby", before ? `${before} ${id}` : id);
    });
    const show = (node) => {
      bubble.textContent = node.dataset.tip;
      bubble.hidden = false;
      const r = node.getBoundingClientRect();
      const w = bubble.offsetWidth, maxLeft = document.documentElement.clientWidth - w - 4;
      bubble.style.left = `${Math.max(4, Math.min(r.left, maxLeft)) + window.scrollX}px`;
      bubble.style.top = `${r.bottom + window.scrollY + 6}px`;
    };
    const hide = () => { bubble.hidden = true; };
    const tipOf = (e) => e.target.closest && e.target.closest("[data-tip]");
    let focused = null;  // the focused element's explanation outlasts the pointer moving off
    document.addEventListener("mouseover", (e) => {
      const node = tipOf(e) || focused;
      if (node) show(node); else hide();
    });
    document.addEventListener("focusin", (e) => {
      focused = tipOf(e);
      if (focused) show(focused); else hide();
    });
    document.addEventListener("focusout", () => { focused = null; hide(); });
    document.addEventListener("keydown", (e) => { if (e.key === "Escape") hide(); });
  }

  return { COLORS, rgb, api, pct, el, showError, busy, labRequest, tooltips };
})();
