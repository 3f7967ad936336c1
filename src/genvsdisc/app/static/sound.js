// Sound lab: real and generated clips of each word, played and pictured, read by both families;
// and your own voice, recorded here and read by the same two models.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const RECORD_SECONDS = 1.5;
  let seed = 0;
  let latest = { artists: [] };  // the last /api/sound/info: what the server has trained

  const count = (key) => { document.body.dataset[key] = String(Number(document.body.dataset[key] || 0) + 1); };
  const said = (v) => `${v.judged} (${GVD.pct(v.confidence)})`;

  // Both families' p(y|x) over every word, as a small table a screen reader can read.
  function probaTable(data, clip, open) {
    const rows = data.classes.map((name, k) => GVD.el("tr", {},
      GVD.el("th", { scope: "row", text: name }),
      GVD.el("td", { text: GVD.pct(clip.detective.proba[k]) }),
      GVD.el("td", { text: GVD.pct(clip.artist.proba[k]) })));
    const table = GVD.el("table", { class: "proba" },
      GVD.el("thead", {}, GVD.el("tr", {},
        GVD.el("th", { scope: "col", text: "word" }),
        GVD.el("th", { scope: "col", class: "detective", text: "detective" }),
        GVD.el("th", { scope: "col", class: "artist", text: "artist" }))),
      GVD.el("tbody", {}, ...rows));
    const details = GVD.el("details", {}, GVD.el("summary", { text: "p(word | sound), every word" }), table);
    details.open = open;
    return details;
  }

  // One clip: its title, spectrogram, player and both verdicts.
  function clipCard(data, clip, open = false) {
    const word = clip.class === null ? null : data.classes[clip.class];
    const title = clip.kind === "recording" ? `your recording · ${clip.seconds} s heard`
      : `${clip.kind} “${word}” · ${clip.seconds} s`;
    const img = GVD.el("img", {
      src: clip.spectrogram, class: "spectrogram",
      alt: `log-mel spectrogram of ${clip.kind === "recording" ? "your recording" : `a ${clip.kind} “${word}”`}: time runs right, pitch rises up`,
    });
    const audio = GVD.el("audio", { controls: "", preload: "none", src: `/api/sound/wav/${clip.wav}`, "aria-label": `play: ${title}` });
    const right = (v) => (word === null ? "" : v.index === clip.class ? " ok" : " no");
    const t = clip.typicality;
    const card = GVD.el("figure", { class: `clip ${clip.kind}` },
      GVD.el("figcaption", { text: title }), img, audio,
      GVD.el("p", { class: `who detective${right(clip.detective)}` }, "Detective hears ", GVD.el("strong", { text: said(clip.detective) })),
      GVD.el("p", { class: `who artist${right(clip.artist)}` }, "Artist hears ", GVD.el("strong", { text: said(clip.artist) })),
      GVD.el("p", { class: `typicality ${t.word}` },
        `Artist's log p(x) = ${t.log_px} (${t.per_frame} per frame over ${clip.frames} frames): `,
        GVD.el("strong", { text: t.word }), ` — ${t.sentence.split(": ")[1]}.`),
      probaTable(data, clip, open));
    card.dataset.kind = clip.kind;
    return card;
  }

  // The generation core's copy check, in one sentence.
  function copies(m) {
    const exact = m.copies === 0 ? "none is an exact copy of a training clip"
      : `${m.copies} ${m.copies === 1 ? "is an exact copy" : "are exact copies"} of training clips${m.copying ? ", more than chance allows" : ""}`;
    return `Its clips lie ${m.ratio.toFixed(2)} × as far from their nearest training clip as real test clips do (well below 1 = copying); ${exact}.`;
  }

  function showClips(data) {
    $("grid").replaceChildren(...data.rows.map((row) => GVD.el("div", { class: "sound-row", role: "group", "aria-label": `“${row.class}”` },
      GVD.el("div", { class: "rowlabel", text: `“${row.class}”` }),
      ...row.clips.map((clip) => clipCard(data, clip)))));
    const made = data.rows.flatMap((r) => r.clips).filter((c) => c.kind === "generated").length;
    $("summary").textContent =
      `The detective (${data.detective.name}, ${GVD.pct(data.detective.test_accuracy)} right on real test clips of voices it never heard) ` +
      `names ${GVD.pct(data.agreement)} of the ${made} clips ${data.artist.name} said as the word it meant. ` +
      `As a classifier, ${data.artist.name} gets ${GVD.pct(data.artist.test_accuracy)} of those real test clips right. ` +
      copies(data.memorisation);
    $("keyline").replaceChildren(
      "Each row: real clips of test voices first, then the artist's. ",
      GVD.el("span", { class: "ok", text: "Green" }), " = the model heard the word meant; ",
      GVD.el("span", { class: "no", text: "red" }), " = another word. Generated sound is rough: the artist draws 13 MFCCs per frame, ",
      "turned into sound by Griffin-Lim phase recovery. Pictures show the log-mel spectrum those MFCCs stand for, for real and generated clips alike. ",
      "Typical or unusual: the clip's log p(x) per frame among the real test clips (below their 5th percentile = unusual).");
    count("clips");
  }

  function showRecording(data) {
    const card = clipCard(data, data.clip, true);
    $("recording").replaceChildren(GVD.el("h2", { text: "Your voice" }), card);
    count("recorded");
  }

  async function ready(name) {
    const entry = latest.artists.find((a) => a.name === name);
    if ((entry && entry.ready && latest.detective.ready) || !entry) return;
    $("summary").textContent = `Training ${name} and ${latest.detective.name} on real clips (about ${entry.estimate_seconds} s the first time).`;
    latest = await LabTraining.train({
      trainPath: "/api/sound/train", infoPath: "/api/sound/info", name,
      pick: (info) => info.artists.find((a) => a.name === name), bar: $("train-progress"), label: $("status"),
    });
    refreshMenu(latest);
  }

  // Trains what is missing (with a progress bar), then shows the clips.
  async function showAll() {
    const name = $("artist").value;
    $("show").disabled = true;
    try {
      await ready(name);
    } catch (err) {
      GVD.showError($("error"), err);
      $("status").textContent = "";
      $("show").disabled = false;
      return;
    }
    $("show").disabled = false;
    await GVD.labRequest({
      button: $("show"), status: $("status"), error: $("error"),
      busyText: "the artist says new words; both models read every clip…",
      path: "/api/sound/clips",
      body: { model: name, per_class: Number($("per-class").value), seed: seed++ },
      show: showClips,
    });
    refreshMenu(await info());
  }

  async function record() {
    GVD.showError($("error"), null);
    $("record").disabled = true;
    GVD.busy($("status"), `recording ${RECORD_SECONDS} s: say a digit word now…`);
    let take;
    try {
      take = await SoundRecorder.record(RECORD_SECONDS);
    } catch (err) {
      GVD.showError($("error"), err);
      $("status").textContent = "";
      $("record").disabled = false;
      return;
    }
    // four decimals: far finer than 16-bit audio needs, and a quarter of the bytes
    const samples = Array.from(take.samples, (v) => Math.round(v * 1e4) / 1e4);
    await GVD.labRequest({
      button: $("record"), status: $("status"), error: $("error"),
      busyText: `sent ${samples.length} samples (${take.capturedRate} Hz brought to ${take.rate} Hz); the models listen…`,
      path: "/api/sound/record",
      body: { samples, rate: take.rate, model: $("artist").value },
      show: showRecording,
    });
  }

  async function info() {
    const { data } = await GVD.api("/api/sound/info");
    return data;
  }

  function refreshMenu(data) {
    latest = data;
    const chosen = $("artist").value;
    $("artist").replaceChildren(...data.artists.map((a) => GVD.el("option", { value: a.name, text: `${a.name} · ${a.status}` })));
    if (chosen) $("artist").value = chosen;
    const entry = data.artists.find((a) => a.name === $("artist").value);
    $("artist-desc").textContent = entry ? entry.description : "";
    $("artist-name").textContent = `${$("artist").value}, a generative model`;
    $("detective-name").textContent = `${data.detective.name}, a discriminative model`;
  }

  async function init() {
    refreshMenu(await info());
    $("per-class").max = String(latest.max_per_class);
    await showAll();  // trains the default artist and the detective first, with progress
  }

  $("per-class-value").textContent = $("per-class").value;
  $("per-class").addEventListener("input", () => { $("per-class-value").textContent = $("per-class").value; });
  $("artist").addEventListener("change", () => { refreshMenu(latest); showAll(); });
  $("show").addEventListener("click", showAll);
  $("record").addEventListener("click", record);
  init().catch((err) => GVD.showError($("error"), err));
})();
