// Labs: train a slow model in the background and show a progress bar with the time left.
// The server starts training on POST `trainPath` and reports progress in GET `infoPath`
// (elapsed seconds and an estimated time left, from the model's measured first-fit time).
"use strict";

const LabTraining = (() => {
  const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

  // Resolves once `pick(info)` says the model is ready; rejects with the server's error.
  async function train({ trainPath, infoPath, name, pick, bar, label }) {
    await GVD.api(trainPath, { model: name });
    bar.hidden = false;
    bar.removeAttribute("value");  // indeterminate until the first report
    try {
      for (;;) {
        const { data } = await GVD.api(infoPath);
        const entry = pick(data);
        if (entry.ready) return data;
        if (entry.error) throw new Error(`training ${name} failed: ${entry.error}`);
        if (entry.training) {
          bar.max = entry.elapsed_seconds + entry.seconds_left;
          bar.value = entry.elapsed_seconds;
          label.textContent = `training ${name}: ${Math.round(entry.elapsed_seconds)} s so far, about ${Math.round(entry.seconds_left)} s left (estimate)`;
        }
        await sleep(1000);
      }
    } finally {
      bar.hidden = true;
    }
  }

  return { train };
})();
