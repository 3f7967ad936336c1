// Reports: list the folders `genvsdisc compare` wrote under the results directory.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);

  function encodePath(path) {
    return path.split("/").map(encodeURIComponent).join("/");
  }

  async function init() {
    const { data } = await GVD.api("/api/reports");
    $("where").textContent = data.results_dir
      ? `Results folder: ${data.results_dir}`
      : "No results folder given: start the app with `genvsdisc serve --results DIR`.";
    if (!data.reports.length) {
      $("empty").hidden = false;
      $("empty").textContent = data.results_dir
        ? "No reports here yet. Run e.g. `genvsdisc compare digits` in the folder you started " +
          "`genvsdisc serve` from (it writes to ./genvsdisc-report), or pass --out inside this folder, then reload."
        : "";
      return;
    }
    $("table").hidden = false;
    $("rows").replaceChildren(...data.reports.map((r) => GVD.el("tr", {},
      GVD.el("td", {}, GVD.el("a", { href: `/reports/files/${encodePath(r.path)}`, text: r.title })),
      GVD.el("td", {}, GVD.el("code", { text: r.folder })),
      GVD.el("td", { text: r.modified.replace("T", " ").replace("+00:00", "") }))));
  }

  init().catch((err) => GVD.showError($("error"), err));
})();
