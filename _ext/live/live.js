// Live panels and exercise checks of the static book: the same hakit code as JupyterLab, run in the
// reader's browser by Pyodide. Nothing loads until the reader presses a panel's button or checks an
// answer; every file comes from this site (_static/hakit/live/). The HTML of a panel is written by
// hakit.panels.browser.panel_html; this script is generic: it reads the form's named controls and
// calls hakit.panels.browser.run(name, values) in Python. The build prepends HAKIT_LIVE_ASSETS.
(function () {
  "use strict";
  const ASSETS = window.HAKIT_LIVE_ASSETS;
  const BASE = new URL(".", document.currentScript.src).href;
  const PLOTLY_CONFIG = { responsive: true, displaylogo: false };
  const listeners = new Set();
  let runtime = null; // Promise of the hakit.panels.browser module (a PyProxy)
  const stats = (window.hakitLive = { timings: [], phases: {}, progress: [] });

  const MB = (n) => (n / 1048576).toFixed(1) + " MB";
  function progress(fraction, text) {
    if (stats.progress.length < 200) stats.progress.push(text);
    for (const fn of listeners) fn(fraction, text);
  }

  // Fetch one file, reporting bytes as they arrive.
  async function fetchBytes(url, onBytes) {
    const resp = await fetch(url);
    if (!resp.ok) throw new Error(`HTTP ${resp.status}：${url}`);
    const reader = resp.body.getReader();
    const parts = [];
    let got = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      got += value.length;
      onBytes(value.length);
    }
    const out = new Uint8Array(got);
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }

  async function downloadAll() {
    const files = ASSETS.files.map((f) => ({ ...f, url: new URL(f.path, BASE).href }));
    const total = files.reduce((s, f) => s + f.bytes, 0);
    let done = 0;
    const bytes = {};
    await Promise.all(files.map(async (f) => {
      bytes[f.url] = await fetchBytes(f.url, (n) => {
        done += n;
        progress(0.75 * done / total, `正在下载 ${f.label}：已下载 ${MB(done)} / ${MB(total)}`);
      });
    }));
    return { files, bytes };
  }

  // loadPyodide fetches its runtime files itself: answer those requests from what was downloaded,
  // except the WebAssembly module, which it then reads from the HTTP cache (so the browser can
  // also cache its compiled code for the next page).
  async function startPyodide(bytes) {
    const realFetch = window.fetch;
    const types = { json: "application/json", zip: "application/zip" };
    window.fetch = function (input, init) {
      const url = new URL(input instanceof Request ? input.url : String(input), location.href).href;
      if (bytes[url] && !url.endsWith(".wasm")) {
        const ext = url.split(".").pop();
        return Promise.resolve(new Response(bytes[url], { headers: { "Content-Type": types[ext] || "application/octet-stream" } }));
      }
      return realFetch.call(this, input, init);
    };
    try {
      const mod = await import(new URL(ASSETS.pyodide + "pyodide.mjs", BASE).href);
      return await mod.loadPyodide({ indexURL: new URL(ASSETS.pyodide, BASE).href });
    } finally {
      window.fetch = realFetch;
    }
  }

  async function boot() {
    const t0 = performance.now();
    progress(0, "正在下载 Python 运行时与 hakit…");
    const { files, bytes } = await downloadAll();
    stats.phases.download = performance.now() - t0;
    progress(0.75, "正在启动 Python（Pyodide）…");
    const py = await startPyodide(bytes);
    stats.phases.pyodide = performance.now() - t0;
    progress(0.85, "正在安装 networkx 与 hakit…");
    const site = py.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
    for (const f of files) {
      if (f.kind === "wheel" || f.kind === "zip") {
        py.unpackArchive(bytes[f.url], f.kind === "wheel" ? "wheel" : "zip", { extractDir: site });
      }
    }
    stats.phases.install = performance.now() - t0;
    progress(0.92, "正在导入 hakit…");
    await new Promise((r) => setTimeout(r, 0)); // let the progress text paint
    const browser = py.pyimport("hakit.panels.browser");
    browser.settle();
    stats.phases.import = performance.now() - t0;
    return browser;
  }

  function loadRuntime(onProgress) {
    listeners.add(onProgress);
    if (!runtime) runtime = boot();
    return runtime.finally(() => listeners.delete(onProgress));
  }

  function setStatus(el, state, text) {
    el.setAttribute("data-hakit-status", state);
    el.textContent = text;
  }

  function lastLine(err) {
    const lines = String(err && err.message || err).trim().split("\n");
    return lines[lines.length - 1];
  }

  // ---------------------------------------------------------------- panels
  function values(form) {
    const out = {};
    for (const el of form.elements) {
      if (!el.name) continue;
      out[el.name] = el.type === "checkbox" ? el.checked : el.value;
    }
    return out;
  }

  function setupPanel(root) {
    const name = root.getAttribute("data-hakit-panel");
    const start = root.querySelector("[data-hakit-start]");
    const bar = root.querySelector(".hakit-live-progress");
    const form = root.querySelector(".hakit-live-controls");
    const status = root.querySelector("[data-hakit-status]");
    const holder = root.querySelector(".hakit-live-figure");
    let browser = null, busy = false, again = false, gd = null, settled = false;

    // One recompute + redraw; resolves with its duration in ms (the benchmark calls it).
    function compute() {
      if (busy) { again = true; return Promise.resolve(null); }
      busy = true;
      const t0 = performance.now();
      let result;
      try {
        result = JSON.parse(browser.run(name, JSON.stringify(values(form))));
      } catch (err) {
        busy = false;
        console.error(err);
        setStatus(status, "error", "内部错误：" + lastLine(err));
        return Promise.resolve(null);
      }
      const t1 = performance.now();
      if (result.error !== undefined) {
        setStatus(status, "error", result.error);
        if (gd) gd.classList.add("hakit-live-stale");
        return Promise.resolve(finish(t0, t1, "error"));
      }
      const fig = result.figure;
      let drawn;
      if (gd) {
        // no config: react would rebuild and compare the plot's context (~5 ms) on every redraw
        drawn = window.Plotly.react(gd, fig.data, fig.layout);
      } else {
        gd = document.createElement("div");
        gd.className = "plotly-graph-div";
        holder.appendChild(gd);
        drawn = window.Plotly.newPlot(gd, fig.data, fig.layout, PLOTLY_CONFIG);
      }
      return drawn.then(() => {
        if (!settled) { settled = true; browser.settle(); } // the panel's modules are loaded now
        gd.classList.remove("hakit-live-stale");
        setStatus(status, "ready", "已在浏览器中计算（与 JupyterLab 相同的 hakit 代码）");
        return finish(t0, t1, "ready");
      }, (err) => {
        console.error(err);
        setStatus(status, "error", "绘图失败：" + lastLine(err));
        return finish(t0, t1, "error");
      });
    }

    function finish(t0, t1, state) {
      const total = performance.now() - t0;
      stats.timings.push({ panel: name, python_ms: t1 - t0, total_ms: total, state });
      busy = false;
      if (again) { again = false; setTimeout(compute, 0); }
      return total;
    }
    (stats.panels = stats.panels || {})[name] = { recompute: compute };

    form.addEventListener("input", (ev) => {
      const out = ev.target.parentElement && ev.target.parentElement.querySelector("output");
      if (out && ev.target.type === "range") out.textContent = ev.target.value;
      if (browser) compute();
    });

    start.addEventListener("click", () => {
      start.disabled = true;
      bar.hidden = false;
      const meter = bar.querySelector("progress");
      const text = bar.querySelector(".hakit-live-progress-text");
      setStatus(status, "loading", "正在加载…");
      loadRuntime((fraction, what) => { meter.value = fraction; text.textContent = what; }).then((b) => {
        browser = b;
        bar.hidden = true;
        start.hidden = true;
        form.hidden = false;
        compute();
      }, (err) => {
        console.error(err);
        bar.hidden = true;
        start.disabled = false;
        setStatus(status, "error", "加载失败：" + lastLine(err));
      });
    });
  }

  // ---------------------------------------------------------------- exercises
  function setupExercise(root) {
    const id = root.getAttribute("data-exercise");
    root.innerHTML = "";
    const form = document.createElement("form");
    form.className = "hakit-exercise-form";
    const input = document.createElement("input");
    input.type = "text";
    input.name = "answer";
    input.placeholder = root.getAttribute("data-placeholder") || "你的答案";
    input.setAttribute("aria-label", "答案");
    const button = document.createElement("button");
    button.type = "submit";
    button.textContent = "检查";
    const result = document.createElement("div");
    result.className = "hakit-exercise-result";
    result.setAttribute("role", "status");
    form.append(input, button);
    root.append(form, result);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      button.disabled = true;
      root.setAttribute("data-hakit-status", "loading");
      result.textContent = "正在加载 Python（首次检查需要几秒）…";
      loadRuntime((fraction, what) => { result.textContent = what; }).then((browser) => {
        const r = JSON.parse(browser.check_answer(id, input.value));
        root.setAttribute("data-hakit-status", r.ok ? "correct" : "wrong");
        result.textContent = r.message;
      }).catch((err) => {
        console.error(err);
        root.setAttribute("data-hakit-status", "error");
        result.textContent = "检查失败：" + lastLine(err);
      }).finally(() => { button.disabled = false; });
    });
  }

  function init() {
    document.querySelectorAll("[data-hakit-panel]").forEach(setupPanel);
    document.querySelectorAll(".hakit-exercise[data-exercise]").forEach(setupExercise);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
