// Qiao's sign-in page (/login), without the app's WebAssembly: it opens at once, signs the
// person in, and fetches the app in the background meanwhile. Its texts come from the app's
// catalog (shared::i18n), written into the page by the server as JSON (#qiao-texts).
"use strict";

(() => {
  const LOCALE_KEY = "qiao.locale"; // as the app keeps it: a JSON string
  const REMEMBERED_KEY = "qiao.me"; // the last signed-in user, for opening offline
  const catalog = JSON.parse(document.getElementById("qiao-texts").textContent);

  const stored = (key) => {
    try {
      return JSON.parse(localStorage.getItem(key));
    } catch {
      return null;
    }
  };
  // As shared::i18n::Locale::from_tag: English for "en" and "en-…", else Chinese.
  const localeOf = (tag) => {
    const lower = String(tag || "").trim().toLowerCase();
    return lower === "en" || lower.startsWith("en-") ? "en" : "zh-CN";
  };

  const state = {
    locale: localeOf(stored(LOCALE_KEY)),
    unreachable: false,
    busy: false,
    // Problems found before sending: [{field, code}].
    local: [],
    // Why the last attempt failed: {kind: "offline" | "unexpected"} or {kind: "api", status, info}.
    failure: null,
  };

  const texts = () => catalog[state.locale];
  const text = (key) => texts().texts[key] || key;
  const form = document.querySelector("[data-testid=login-form]");
  const inputs = {
    email: document.getElementById("login-email"),
    password: document.getElementById("login-password"),
  };
  const submit = form.querySelector("button[type=submit]");

  const go = (path) => window.location.replace(path);
  // Where the app sent the person from (`?next=`), if it is an address of this site's app.
  const next = (() => {
    const path = new URLSearchParams(window.location.search).get("next") || "";
    const local = path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\");
    return local && !path.startsWith("/login") ? path : "/";
  })();

  // The problems of each field: found here, or sent back by the server.
  const fieldProblem = (field) => {
    const local = state.local.find((p) => p.field === field);
    if (local) return local.code;
    const details = state.failure && state.failure.info && state.failure.info.details;
    const sent = (details || []).find((d) => d.field === field);
    return sent ? sent.code : null;
  };

  const failureMessage = (failure) => {
    if (failure.kind === "offline") return text("ErrOffline");
    if (failure.kind === "unexpected") return text("ErrUnexpected");
    const known = texts().errors[failure.info.code];
    if (known) return known;
    return failure.status >= 500 ? text("ErrServer") : failure.info.message;
  };

  const generalMessage = () => {
    if (state.local.length > 0) return text("ErrCheckFields");
    if (!state.failure) return null;
    const details = (state.failure.info && state.failure.info.details) || [];
    return details.length > 0 ? text("ErrCheckFields") : failureMessage(state.failure);
  };

  const banner = (holder, message) => {
    holder.replaceChildren();
    if (message) {
      const div = document.createElement("div");
      div.className = "banner error";
      div.setAttribute("role", "alert");
      div.textContent = message;
      holder.append(div);
    }
  };

  const render = () => {
    document.documentElement.lang = state.locale;
    for (const element of document.querySelectorAll("[data-t]")) {
      element.textContent = text(element.dataset.t);
    }
    if (state.busy) submit.textContent = text("Working");
    submit.disabled = state.busy;
    for (const [field, input] of Object.entries(inputs)) {
      const code = fieldProblem(field);
      const holder = input.closest(".field");
      const id = `login-${field}-error`;
      let note = document.getElementById(id);
      holder.classList.toggle("invalid", code !== null);
      input.setAttribute("aria-invalid", code !== null ? "true" : "false");
      if (code === null) {
        if (note) note.remove();
        input.removeAttribute("aria-describedby");
        continue;
      }
      if (!note) {
        note = document.createElement("p");
        note.className = "field-error";
        note.id = id;
        holder.append(note);
      }
      note.textContent = texts().problems[code] || texts().problems.invalid;
      input.setAttribute("aria-describedby", id);
    }
    banner(document.getElementById("login-unreachable"), state.unreachable ? text("ErrOffline") : null);
    banner(document.getElementById("login-general"), generalMessage());
  };

  // The server's error body, {"error": {code, message, field, details}}; gateways that answer
  // for a server that is down count as no network, like the app does.
  const failureOf = async (response) => {
    try {
      const body = await response.json();
      if (body && body.error && typeof body.error.code === "string") {
        return { kind: "api", status: response.status, info: body.error };
      }
    } catch {
      // not JSON
    }
    return [502, 503, 504].includes(response.status) ? { kind: "offline" } : { kind: "unexpected" };
  };

  document.querySelector("[data-testid=switch-language]").addEventListener("click", () => {
    state.locale = state.locale === "en" ? "zh-CN" : "en";
    localStorage.setItem(LOCALE_KEY, JSON.stringify(state.locale));
    render();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (state.busy) return;
    const request = { email: inputs.email.value, password: inputs.password.value };
    state.failure = null;
    // As shared::api::LoginRequest::validate.
    state.local = [];
    if (request.email.trim() === "") state.local.push({ field: "email", code: "required" });
    if (request.password === "") state.local.push({ field: "password", code: "required" });
    if (state.local.length > 0) return render();
    state.busy = true;
    render();
    try {
      const response = await fetch("/api/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(request),
        credentials: "same-origin",
      });
      if (response.ok) {
        inputs.password.value = "";
        go(next);
        return;
      }
      state.failure = await failureOf(response);
    } catch {
      state.failure = { kind: "offline" };
    }
    state.busy = false;
    render();
  });

  // Already signed in, or a fresh installation: off to the app. Without a network, whoever was
  // signed in last on this device opens the app from the service worker, as the app does.
  (async () => {
    let failure;
    try {
      const response = await fetch("/api/auth/session", {
        headers: { accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) {
        const status = await response.json();
        if (status.me) return go(next);
        if (status.setup_needed) return go("/setup");
        return;
      }
      failure = await failureOf(response);
    } catch {
      failure = { kind: "offline" };
    }
    if (failure.kind === "offline" && stored(REMEMBERED_KEY)) return go(next);
    state.unreachable = true;
    render();
  })();

  // The app's files (named by the build, listed by the server in data-app) go into the
  // browser's cache while the person types, so that the app opens at once after signing in.
  const prefetch = () => {
    for (const href of (document.body.dataset.app || "").split(" ")) {
      if (!href) continue;
      const link = document.createElement("link");
      link.rel = "prefetch";
      link.href = href;
      document.head.append(link);
    }
  };
  if (document.readyState === "complete") prefetch();
  else window.addEventListener("load", prefetch, { once: true });

  render();
})();
