// The sound lab's recorder (an AudioWorklet): hands every block of microphone samples to the page.
"use strict";

class GvdCapture extends AudioWorkletProcessor {
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];  // first input, first channel (mono is enough)
    if (channel) this.port.postMessage(channel.slice(0));  // a copy: the engine reuses its buffer
    return true;
  }
}

registerProcessor("gvd-capture", GvdCapture);
