// Text lab: the artist continues a prompt for a topic; the judge reads the new words.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  let seed = 0;

  function show(data) {
    const story = $("story");
    story.replaceChildren(
      GVD.el("span", { class: "prompt", text: data.prompt ? `${data.prompt} ` : "" }),
      GVD.el("span", { class: "generated", text: data.continuation }));
    const j = data.judge;
    $("verdict").replaceChildren(
      `The judge reads the new words as `, GVD.el("strong", { text: j.topic }),
      ` (${GVD.pct(j.confidence)} sure): `,
      GVD.el("span", { class: j.agrees ? "ok" : "no", text: j.agrees ? "the topic the artist was asked for." : `not ${data.topic}, the topic the artist was asked for.` }));
    const bars = $("bars");
    bars.replaceChildren();
    Object.entries(j.proba).sort((a, b) => b[1] - a[1]).forEach(([topic, p]) => {
      const bar = GVD.el("div", { class: topic === data.topic ? "bar intended" : "bar" }, GVD.el("div"));
      bar.firstChild.setAttribute("data-p", String(p));
      bars.append(GVD.el("span", { text: topic }), bar, GVD.el("span", { class: "value", text: GVD.pct(p) }));
    });
    // widths set from script (CSP forbids inline style attributes, not CSSOM)
    bars.querySelectorAll("[data-p]").forEach((d) => { d.style.width = `${100 * Number(d.dataset.p)}%`; });
    $("keyline").textContent =
      `Artist: ${data.model.name} (classifies ${GVD.pct(data.model.test_accuracy)} of real test articles right). ` +
      `Judge: ${data.judge_model.name} (${GVD.pct(data.judge_model.test_accuracy)}). Purple bar = the topic asked for.`;
    document.body.dataset.continued = String(Number(document.body.dataset.continued || 0) + 1);
  }

  function run() {
    return GVD.labRequest({
      button: $("run"), status: $("status"), error: $("error"),
      busyText: "writing… (the first time, the artist and the judge are trained first)",
      path: "/api/text/continue",
      body: {
        topic: $("topic").value, prompt: $("prompt").value, n_words: Number($("n-words").value),
        temperature: Number($("temperature").value), seed: seed++,
      },
      show,
    });
  }

  // Next-word bars: the same distribution at temperature 1 (light) and at the slider's (dark).
  function showNext(data) {
    const box = $("next-words");
    box.replaceChildren(...data.artists.map((artist) => {
      const bars = GVD.el("div", { class: "bars next" });
      artist.words.forEach((w) => {
        const word = w.word === null ? "(all other words)" : w.word === "</s>" ? "(end of text)" : w.word;
        const bar = GVD.el("div", { class: "bar" }, GVD.el("div", { class: "at-one" }), GVD.el("div", { class: "at-t" }));
        bar.children[0].dataset.p = String(w.p);
        bar.children[1].dataset.p = String(w.p_t);
        bars.append(GVD.el("span", { text: word }), bar,
          GVD.el("span", { class: "value", text: `${GVD.pct(w.p)} → ${GVD.pct(w.p_t)}` }));
      });
      return GVD.el("div", { class: "next-artist" },
        GVD.el("h3", { text: `${artist.name} · temperature ${data.temperature}` }), bars);
    }));
    // widths set from script (CSP forbids inline style attributes, not CSSOM)
    box.querySelectorAll("[data-p]").forEach((d) => {
      d.style.width = `${100 * Number(d.dataset.p)}%`;
      d.style.height = "50%";  // two bars per word: temperature 1 above, the slider's below
      if (d.classList.contains("at-one")) d.style.opacity = "0.35";
    });
    box.querySelectorAll(".bars.next").forEach((b) => { b.style.gridTemplateColumns = "minmax(60px, 110px) 1fr 92px"; });
    $("next-artists").textContent = "Text artists: " + data.offered.map((a) => `${a.name}: ${a.status}`).join("; ") +
      (data.offered.some((a) => !a.ready) ? ". An untrained artist gets its bars once it is trained." : ".");
    untrained = data.offered.find((a) => !a.ready && !a.training);
    $("train-artist").hidden = !untrained;
    if (untrained) $("train-artist").textContent = `Train ${untrained.name} (about ${untrained.estimate_seconds} s)`;
    document.body.dataset.nextWords = String(Number(document.body.dataset.nextWords || 0) + 1);
  }

  let untrained = null;  // the first text artist nobody has trained yet
  async function trainArtist() {
    const name = untrained.name;
    $("train-artist").disabled = true;
    try {
      await LabTraining.train({
        trainPath: "/api/text/train", infoPath: "/api/text/info", name,
        pick: (info) => info.artists.find((a) => a.name === name), bar: $("train-progress"), label: $("train-status"),
      });
      $("train-status").textContent = `${name} is trained: its bars are shown beside the others.`;
      await refreshNext();
    } catch (err) {
      GVD.showError($("error"), err);
      $("train-status").textContent = "";
    } finally {
      $("train-artist").disabled = false;
    }
  }

  let pending = null;
  async function refreshNext() {
    if (!$("topic").value) return;
    if (pending) pending.abort();  // only the latest prompt and temperature matter
    pending = new AbortController();
    const body = { topic: $("topic").value, prompt: $("prompt").value, temperature: Number($("temperature").value) };
    try {
      const { data } = await GVD.api("/api/text/next", body, pending.signal);
      showNext(data);
      GVD.showError($("error"), null);
    } catch (err) {
      if (err.name !== "AbortError") GVD.showError($("error"), err);
    }
  }
  let timer = null;
  const soon = () => { clearTimeout(timer); timer = setTimeout(refreshNext, 150); };

  async function init() {
    const { data } = await GVD.api("/api/text/info");
    $("topic").replaceChildren(...data.topics.map((t) => GVD.el("option", { value: t, text: t })));
    await refreshNext();
  }

  const sync = () => {
    $("prompt-count").textContent = String($("prompt").value.length);
    $("n-words-value").textContent = $("n-words").value;
    $("temperature-value").textContent = $("temperature").value;
  };
  ["prompt", "n-words", "temperature"].forEach((id) => $(id).addEventListener("input", sync));
  sync();
  ["prompt", "temperature", "topic"].forEach((id) => $(id).addEventListener(id === "topic" ? "change" : "input", soon));
  $("run").addEventListener("click", run);
  $("train-artist").addEventListener("click", trainArtist);
  $("write").addEventListener("click", async () => {
    GVD.showError($("error"), null);
    try {
      const { data } = await GVD.api("/api/text/write", {});
      $("detective-says").textContent = `“${data.message}”`;
    } catch (err) {
      GVD.showError($("error"), err);
    }
  });
  // the refusal answered the last question; a new topic or prompt is a new one
  ["topic", "prompt"].forEach((id) => $(id).addEventListener("input", () => { $("detective-says").textContent = ""; }));
  init().catch((err) => GVD.showError($("error"), err));
})();
