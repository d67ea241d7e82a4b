// The task page (the parent of the sandboxed task iframe). See portal/README.md for the
// message protocol. It leases tasks through the worker JSON API with the session cookie and
// the CSRF header, shows each in the iframe, keeps drafts in localStorage, and submits.
"use strict";

(function () {
  const root = document.getElementById("task-page");
  if (!root) return;
  const job = root.dataset.job;
  const csrf = root.dataset.csrf;
  const frame = document.getElementById("task-frame");
  const timerEl = document.getElementById("timer");
  const statusEl = document.getElementById("status");
  const expiredEl = document.getElementById("expired");
  const declineBtn = document.getElementById("decline");
  const releaseBtn = document.getElementById("release");
  const nextBtn = document.getElementById("next-after-expiry");
  const timeLimit = Number(root.dataset.timeLimit) || Infinity;

  let task = null; // {taskId, expiresAt (ms, client clock)}
  let ticker = null;
  let busy = false;
  let initSent = false; // ot:init goes once per task: on ot:ready, or at the latest on load

  const draftKey = (id) => "ot-draft:" + id;

  function say(text, isError) {
    statusEl.textContent = text || "";
    statusEl.classList.toggle("error", Boolean(isError));
  }

  function toFrame(msg) {
    if (frame.contentWindow) frame.contentWindow.postMessage(Object.assign({ v: 1 }, msg), "*");
  }

  async function api(path, payload) {
    const response = await fetch("/worker/api" + path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, "Content-Type": "application/json" },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    let body = null;
    if (response.status !== 204) {
      try { body = await response.json(); } catch (e) { body = null; }
    }
    return { response, body };
  }

  function clearTimer() {
    if (ticker) clearInterval(ticker);
    ticker = null;
  }

  function showExpired() {
    clearTimer();
    timerEl.textContent = "0:00";
    timerEl.classList.add("over");
    expiredEl.hidden = false;
    declineBtn.disabled = true;
    releaseBtn.disabled = true;
    toFrame({ type: "ot:expired" });
    nextBtn.focus();
  }

  function tick() {
    if (!task) return;
    // The clock skew comes from a Date header with whole seconds, so the estimate can run up to a
    // second long: never show more than the task's time limit ("5:01" for a 5-minute task).
    const left = Math.min(timeLimit, Math.max(0, Math.round((task.expiresAt - Date.now()) / 1000)));
    const m = Math.floor(left / 60);
    const s = String(left % 60).padStart(2, "0");
    timerEl.textContent = m + ":" + s;
    timerEl.classList.toggle("low", left <= 60);
    if (left <= 0) showExpired();
  }

  async function next() {
    if (busy) return;
    busy = true;
    clearTimer();
    expiredEl.hidden = true;
    timerEl.classList.remove("over", "low");
    say("Loading the next task…");
    try {
      const { response, body } = await api("/jobs/" + encodeURIComponent(job) + "/tasks/next");
      if (response.status === 204) {
        window.location.assign("/worker/jobs/" + encodeURIComponent(job) + "/done");
        return;
      }
      if (response.status === 401) {
        window.location.assign("/worker/login");
        return;
      }
      if (!response.ok) {
        say((body && body.message) || "Could not get a task (HTTP " + response.status + ").", true);
        return;
      }
      // The lease end in the client's clock: server expiry minus the server's Date header.
      const serverNow = Date.parse(response.headers.get("Date") || "") || Date.now();
      const skew = Date.now() - serverNow;
      task = { taskId: body.taskId, expiresAt: Date.parse(body.expiresAt) + skew };
      initSent = false;
      declineBtn.disabled = false;
      releaseBtn.disabled = false;
      frame.src = "/worker/render/" + encodeURIComponent(task.taskId);
      say("");
      tick();
      ticker = setInterval(tick, 1000);
    } catch (e) {
      say("Network error: " + e.message, true);
    } finally {
      busy = false;
    }
  }

  async function finish(action) {
    if (!task || busy) return;
    const id = task.taskId;
    const { response, body } = await api("/tasks/" + encodeURIComponent(id) + "/" + action);
    if (response.ok) {
      localStorage.removeItem(draftKey(id));
      task = null;
      next();
    } else if (response.status === 409) {
      showExpired();
    } else {
      say((body && body.message) || action + " failed (HTTP " + response.status + ").", true);
    }
  }

  async function submit(answer) {
    if (!task) return;
    const id = task.taskId;
    const { response, body } = await api("/tasks/" + encodeURIComponent(id) + "/submit", {
      answerContent: answer,
    });
    if (response.ok) {
      toFrame({ type: "ot:submit-result", ok: true, message: "" });
      localStorage.removeItem(draftKey(id));
      task = null;
      say("Submitted.");
      next();
      return;
    }
    const message = (body && body.message) || "Submit failed (HTTP " + response.status + ").";
    toFrame({ type: "ot:submit-result", ok: false, message: message });
    if (response.status === 409) showExpired();
    else say(message, true);
  }

  function sendInit() {
    if (!task || initSent) return;
    initSent = true;
    let draft = null;
    try { draft = JSON.parse(localStorage.getItem(draftKey(task.taskId)) || "null"); } catch (e) { draft = null; }
    toFrame({ type: "ot:init", draft: draft, expired: Date.now() >= task.expiresAt });
    frame.focus();
    toFrame({ type: "ot:focus" });
  }

  window.addEventListener("message", (event) => {
    // Only the task iframe, whose sandboxed document has the opaque origin "null".
    if (event.source !== frame.contentWindow || event.origin !== "null") return;
    const msg = event.data;
    if (!msg || typeof msg !== "object" || typeof msg.type !== "string" || !task) return;
    switch (msg.type) {
      case "ot:ready":
        sendInit();
        break;
      case "ot:draft":
        if (msg.answer && typeof msg.answer === "object") {
          try { localStorage.setItem(draftKey(task.taskId), JSON.stringify(msg.answer)); } catch (e) { /* full */ }
        }
        break;
      case "ot:submit":
        if (msg.answer && typeof msg.answer === "object" && !Array.isArray(msg.answer)) submit(msg.answer);
        break;
      case "ot:resize":
        if (typeof msg.height === "number" && msg.height > 0) {
          frame.height = String(Math.min(Math.max(msg.height, 200), 20000));
        }
        break;
      default:
        break;
    }
  });

  // A template whose elements never say ot:ready still gets its draft and the focus.
  frame.addEventListener("load", () => {
    frame.focus();
    sendInit();
  });
  declineBtn.addEventListener("click", () => {
    if (window.confirm("Decline this task? You will not get it again.")) finish("decline");
  });
  releaseBtn.addEventListener("click", () => finish("release"));
  nextBtn.addEventListener("click", () => next());
  next();
})();
