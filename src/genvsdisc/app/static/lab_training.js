// Labs: train a slow model in the background and show a progress bar with the time left.
// The server starts training on POST `trainPath`; the page then follows the Server-Sent
// Events of GET /api/labs/progress/<lab>/<model> (the model's own share of batches done,
// and the time left at its pace so far). Where the stream cannot be used (no EventSource,
// a dropped connection, all streams taken, a timeout), it polls GET `infoPath` once a second.
"use strict";

const LabTraining = (() => {
  const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

  function draw(entry, name, bar, label) {
    if (!entry.training || entry.seconds_left === null) return;
    if (entry.measured) {  // the model's own report: a real fraction
      bar.max = 1;
      bar.value = entry.fraction;
    } else {  // before its first report: the measured first-fit time
      bar.max = entry.elapsed_seconds + entry.seconds_left;
      bar.value = entry.elapsed_seconds;
    }
    const how = entry.measured ? `${Math.round(100 * entry.fraction)} % done` : "estimate";
    label.textContent = `training ${name}: ${Math.round(entry.elapsed_seconds)} s so far, about ${Math.round(entry.seconds_left)} s left (${how})`;
  }

  // Resolves with "done" or "failed" (and the last entry) from the stream, or with null
  // when the page should poll instead.
  function stream(path, name, bar, label) {
    if (typeof EventSource === "undefined") return Promise.resolve(null);
    return new Promise((resolve) => {
      const source = new EventSource(path);
      const finish = (result) => { source.close(); resolve(result); };
      const parse = (event) => JSON.parse(event.data);
      source.addEventListener("progress", (event) => draw(parse(event), name, bar, label));
      source.addEventListener("done", (event) => finish({ kind: "done", entry: parse(event) }));
      source.addEventListener("failed", (event) => finish({ kind: "failed", entry: parse(event) }));
      for (const kind of ["idle", "timeout", "busy"]) source.addEventListener(kind, () => finish(null));
      source.onerror = () => finish(null);  // EventSource would reconnect; poll instead
    });
  }

  async function poll({ infoPath, name, pick, bar, label }) {
    for (;;) {
      const { data } = await GVD.api(infoPath);
      const entry = pick(data);
      if (entry.ready) return data;
      if (entry.error) throw new Error(`training ${name} failed: ${entry.error}`);
      draw(entry, name, bar, label);
      await sleep(1000);
    }
  }

  // Resolves with the lab's info once `pick(info)` says the model is ready; rejects with
  // the server's error.
  async function train({ trainPath, infoPath, name, pick, bar, label }) {
    await GVD.api(trainPath, { model: name });
    bar.hidden = false;
    bar.removeAttribute("value");  // indeterminate until the first report
    try {
      const lab = trainPath.split("/")[2];  // "/api/images/train" -> "images"
      const streamed = await stream(`/api/labs/progress/${lab}/${encodeURIComponent(name)}`, name, bar, label);
      if (streamed && streamed.kind === "failed") throw new Error(`training ${name} failed: ${streamed.entry.error}`);
      return await poll({ infoPath, name, pick, bar, label });  // after "done": one request for the info
    } finally {
      bar.hidden = true;
    }
  }

  return { train };
})();
