// Guided lessons: each step sets up the data and models, asks the learner to predict,
// then shows what the models did and explains it. Teacher mode hides chosen controls.
"use strict";

const PGLessons = (pg) => {
  // pg: {apply(setup, points): Promise, generate(), ask(), hide(): Promises; changed(), closed()}
  const $ = (id) => document.getElementById(id);
  let lessons = [], lesson = null, index = 0;

  async function load() {
    const { data } = await GVD.api("/api/lessons");
    lessons = data;
    $("lesson-pick").replaceChildren(...lessons.map((l) => GVD.el("option", { value: l.key, text: l.title })));
  }

  async function open(key, at) {
    lesson = lessons.find((l) => l.key === key) || null;
    if (!lesson) return;
    index = Math.min(Math.max(at || 0, 0), lesson.steps.length - 1);
    const step = lesson.steps[index];
    $("lesson").hidden = false;
    $("lesson-title").textContent = `${lesson.title} · step ${index + 1} of ${lesson.steps.length}: ${step.title}`;
    $("lesson-question").textContent = step.question;
    $("lesson-result").textContent = ""; $("lesson-explain").textContent = "";
    $("lesson-figures").textContent = "";
    $("lesson-next").hidden = true;
    $("lesson-choices").replaceChildren(...step.choices.map((c) => {
      const b = GVD.el("button", {
        type: "button", class: "secondary", "data-choice": c.key, text: c.label, "aria-describedby": "lesson-question",
      });
      b.addEventListener("click", () => reveal(c));
      return b;
    }));
    document.body.dataset.lessonReady = "0";
    // a step with unlabeled points gets them from the server, which keeps their true labels
    const points = step.setup.keep ? (await GVD.api(`/api/lessons/${key}/${index}/points`)).data : null;
    await pg.apply(step.setup, points);
    document.body.dataset.lessonReady = "1";
    pg.changed();
  }

  async function reveal(choice) {
    const step = lesson.steps[index];
    const right = choice.key === step.answer;
    const answer = step.choices.find((c) => c.key === step.answer).label;
    document.querySelectorAll("#lesson-choices button").forEach((b) => {
      b.disabled = true;
      if (b.dataset.choice === step.answer) b.classList.add("right");
      else if (b.dataset.choice === choice.key) b.classList.add("wrong");
    });
    $("lesson-result").textContent = right
      ? `Yes: ${answer.toLowerCase()}.`
      : `Not this time: the answer is “${answer}”. The pictures and the caption below show it.`;
    $("lesson-explain").textContent = step.explain;
    $("lesson-next").hidden = index + 1 >= lesson.steps.length;
    if (step.action === "generate") await pg.generate();
    if (step.action === "ask") await pg.ask();
    if (step.action === "hide") await pg.hide();
    if (step.figures) {
      // the figures the lesson's test checks, computed on the server from the step's data
      const { data } = await GVD.api(`/api/lessons/${lesson.key}/${index}/figures`);
      $("lesson-figures").textContent = `On this lesson's data: ${data.figures}.`;
    }
    document.body.dataset.lessonRevealed = String(index + 1);
  }

  function close() {
    lesson = null; $("lesson").hidden = true; pg.closed();
  }

  // ---------------------------------------------------------------- teacher mode
  function locked() {
    return [...document.querySelectorAll("#teacher input[data-lock]")].filter((i) => i.checked).map((i) => i.dataset.lock);
  }
  function applyLocks(names, fromLink) {
    document.querySelectorAll("#teacher input[data-lock]").forEach((i) => { i.checked = names.includes(i.dataset.lock); });
    document.querySelectorAll("[data-group]").forEach((g) => { g.hidden = names.includes(g.dataset.group); });
    // a class opened from a teacher's link does not get the switches back
    if (fromLink && names.length) $("teacher").hidden = true;
  }

  $("lesson-start").addEventListener("click", () => open($("lesson-pick").value, 0));
  $("lesson-next").addEventListener("click", () => open(lesson.key, index + 1));
  $("lesson-exit").addEventListener("click", close);
  document.querySelectorAll("#teacher input[data-lock]").forEach((i) => i.addEventListener("change", () => {
    applyLocks(locked(), false); pg.changed();
  }));

  return {
    load, open, applyLocks, locked,
    current: () => (lesson ? { lesson: lesson.key, ls: index } : {}),
  };
};
