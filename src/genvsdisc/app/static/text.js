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

  async function init() {
    const { data } = await GVD.api("/api/text/info");
    $("topic").replaceChildren(...data.topics.map((t) => GVD.el("option", { value: t, text: t })));
  }

  const sync = () => {
    $("prompt-count").textContent = String($("prompt").value.length);
    $("n-words-value").textContent = $("n-words").value;
    $("temperature-value").textContent = $("temperature").value;
  };
  ["prompt", "n-words", "temperature"].forEach((id) => $(id).addEventListener("input", sync));
  sync();
  $("run").addEventListener("click", run);
  init().catch((err) => GVD.showError($("error"), err));
})();
