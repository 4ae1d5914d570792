// Qiao's service worker: keeps the app shell (page, script, WebAssembly, styles, ECharts) and
// the sign-in page so the app opens with no network after the first visit. Data never goes
// through here: the app keeps its own copy in IndexedDB and syncs it over /api/sync/*.
const SHELL = "qiao-shell-v2";

// The pages kept: the sign-in page (plain HTML, /login) and the app's page, which every other
// address of the app opens.
const pageOf = (pathname) => (pathname === "/login" ? "/login" : "/");

async function cacheShell() {
  const cache = await caches.open(SHELL);
  const page = await fetch("/", { cache: "no-store" });
  if (!page.ok) return;
  const html = await page.clone().text();
  await cache.put("/", page);
  const signIn = await fetch("/login", { cache: "no-store" });
  if (signIn.ok) await cache.put("/login", signIn);
  // The pinyin table's address is `shared::readings::URL` (a server test holds them equal).
  // The region table (`components::pickers::REGIONS_URL`) serves address fields offline.
  const assets = new Set(["/echarts.min.js", "/favicon.svg", "/login.js", "/pinyin-0.11.0-1.bin", "/regions-1.json"]);
  for (const match of html.matchAll(/(?:href|src)="(\/[^"]+)"/g)) assets.add(match[1]);
  await Promise.all(
    [...assets].map(async (url) => {
      const response = await fetch(url);
      if (response.ok) await cache.put(url, response);
    }),
  );
}

self.addEventListener("install", (event) => {
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== SHELL).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname === "/healthz") return;
  if (request.mode === "navigate") {
    // Fresh page when online (and remember it); the remembered one when not (the app's page
    // when the sign-in page was never kept: it opens for a remembered user, or says offline).
    const page = pageOf(url.pathname);
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(SHELL).then((cache) => cache.put(page, copy));
          }
          return response;
        })
        .catch(() =>
          caches
            .match(page)
            .then((hit) => hit || caches.match("/"))
            .then((hit) => hit || Response.error()),
        ),
    );
    return;
  }
  event.respondWith(
    caches.match(request).then(
      (hit) =>
        hit ||
        fetch(request).then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(SHELL).then((cache) => cache.put(request, copy));
          }
          return response;
        }),
    ),
  );
});

// A reminder tapped: bring the app forward on the task (or open it there).
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const path = (event.notification.data && event.notification.data.path) || "/";
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (new URL(client.url).origin === self.location.origin && "focus" in client) {
          return client.focus().then((c) => (c && "navigate" in c ? c.navigate(path) : c));
        }
      }
      return self.clients.openWindow(path);
    }),
  );
});
