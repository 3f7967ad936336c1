// Sound lab: record a few seconds from the microphone and bring them to the data's 8 kHz.
// getUserMedia works on loopback (a secure context); an AudioWorklet (sound_capture.js)
// hands over the raw samples. Resampling is done here so the request stays small
// (1.5 s at 8 kHz is 12,000 numbers): Web Audio's own buffer resampling is linear
// interpolation in Chromium, which folds the 4-24 kHz band of speech into the
// 0-4 kHz the models read, so a windowed-sinc low-pass resampler is written here.
"use strict";

const SoundRecorder = (() => {
  const TARGET = 8000;

  // x (Float32Array at `rate`) resampled to TARGET: each output sample is a Hann-windowed
  // sinc low-pass (cut-off 0.9 × 4 kHz) of the input around its position, weights normalised
  // so a constant stays constant (also at the edges).
  function resample(x, rate) {
    if (rate === TARGET) return Float32Array.from(x);
    const step = rate / TARGET;
    const f = (0.9 * TARGET / 2) / rate;  // cut-off in cycles per input sample
    const half = Math.ceil(16 * Math.max(step, 1));  // kernel half-width in input samples
    const out = new Float32Array(Math.floor(x.length / step));
    for (let j = 0; j < out.length; j++) {
      const t = j * step;
      let sum = 0, weights = 0;
      for (let n = Math.max(0, Math.ceil(t - half)); n <= Math.min(x.length - 1, Math.floor(t + half)); n++) {
        const d = t - n;
        const sinc = d === 0 ? 1 : Math.sin(2 * Math.PI * f * d) / (2 * Math.PI * f * d);
        const w = sinc * 0.5 * (1 + Math.cos(Math.PI * d / half));
        sum += w * x[n];
        weights += w;
      }
      out[j] = weights ? sum / weights : 0;
    }
    return out;
  }

  // Resolves with { samples (Float32Array at 8 kHz), rate: 8000, capturedRate }.
  async function record(seconds) {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new Error("this browser gives no microphone here: open the lab on localhost or 127.0.0.1");
    }
    // made before the first await, while the click still counts as the user's gesture,
    // so the browser lets it run without an autoplay exception
    const ctx = new AudioContext();
    let stream;
    try {
      // the raw signal: the data's clips were not cleaned by echo cancelling or gain control
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
      });
    } catch (err) {
      ctx.close();
      throw new Error(`no microphone: ${err.message || err.name} (allow the microphone for this page)`);
    }
    try {
      if (ctx.state === "suspended") await ctx.resume();
      await ctx.audioWorklet.addModule("/static/sound_capture.js");
      const source = ctx.createMediaStreamSource(stream);
      const node = new AudioWorkletNode(ctx, "gvd-capture");
      const want = Math.round(seconds * ctx.sampleRate);
      const chunks = [];
      let have = 0;
      await new Promise((resolve) => {
        node.port.onmessage = (event) => {
          chunks.push(event.data);
          have += event.data.length;
          if (have >= want) resolve();
        };
        source.connect(node);
        node.connect(ctx.destination);  // a node the graph does not pull is never run; it writes silence
      });
      source.disconnect();
      node.disconnect();
      const pcm = new Float32Array(have);
      let at = 0;
      for (const c of chunks) { pcm.set(c, at); at += c.length; }
      return { samples: resample(pcm.subarray(0, want), ctx.sampleRate), rate: TARGET, capturedRate: ctx.sampleRate };
    } finally {
      stream.getTracks().forEach((track) => track.stop());
      ctx.close();
    }
  }

  return { record, resample, TARGET };
})();
