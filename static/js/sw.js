// The portal's service worker, served at /sw.js by home/pwa.py, which writes self.PORTAIL above this line.
// It keeps three things on the device, nothing else: the «hors ligne» page with the files it needs, the static
// files the pages use, and the planning pages the parent last opened (network first: the copy only when the
// portal cannot be reached). Invoices, documents, the family file are never kept. The admin is left alone.
const CONFIG = self.PORTAIL;
const SHELL = "portail-shell-__VERSION__";
const STATIC = "portail-static-__VERSION__";
const PLANNING = "portail-planning";
const KEPT = new Set([SHELL, STATIC, PLANNING]);
// The planning pages that may be kept: the grid and its list. Not a day's confirmation, a long-period request,
// nor the calendar page (it shows the feed's secret address).
const PLANNING_PAGES = ["/espace-famille/planning/", "/espace-famille/planning/liste/"];
// At most this many planning addresses (weeks, months, filters) are kept: the oldest go first.
const PLANNING_LIMIT = 12;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      // Without the session: the page kept names nobody.
      .then((cache) => cache.addAll(CONFIG.precache.map((url) => new Request(url, { credentials: "omit" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => !KEPT.has(name)).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

// The parent signed out (or a page was drawn for nobody signed in): the planning kept on the device goes.
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "forget") {
    event.waitUntil(caches.delete(PLANNING));
  }
});

const isPlanning = (url) => PLANNING_PAGES.includes(url.pathname);

async function keepPlanning(request, response) {
  const cache = await caches.open(PLANNING);
  await cache.put(request, response);
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - PLANNING_LIMIT)).map((key) => cache.delete(key)));
}

// A page kept on the device says so: static/js/pwa.js then shows the «Hors ligne» banner and disables actions.
async function fromDevice(response) {
  const text = await response.text();
  const headers = new Headers(response.headers);
  headers.delete("Content-Length");
  return new Response(text.replace('data-served="network"', 'data-served="device"'), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

async function offlinePage() {
  const page = await caches.match(CONFIG.offline, { cacheName: SHELL });
  return page || Response.error();
}

async function navigate(event) {
  const url = new URL(event.request.url);
  try {
    const response = await fetch(event.request);
    if (isPlanning(url)) {
      if (response.status === 200 && response.type === "basic" && !response.redirected) {
        event.waitUntil(keepPlanning(event.request, response.clone()));
      } else {
        // Sent elsewhere (the session ended: to the login page): what was kept is no longer the parent's to see.
        event.waitUntil(caches.delete(PLANNING));
      }
    }
    return response;
  } catch (error) {
    if (isPlanning(url)) {
      const kept = await caches.match(event.request, { cacheName: PLANNING, ignoreVary: true });
      if (kept) return fromDevice(kept);
    }
    return offlinePage();
  }
}

async function staticFile(request) {
  try {
    const response = await fetch(request);
    if (response.status === 200) {
      const copy = response.clone();
      caches.open(STATIC).then((cache) => cache.put(request, copy));
    }
    return response;
  } catch (error) {
    const kept = await caches.match(request, { ignoreVary: true });
    return kept || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // Only what the portal itself serves and reads: every form (POST), the admin and other sites go to the network
  // untouched, and the browser handles their answers (the sign-out's Clear-Site-Data) itself.
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith(CONFIG.admin)) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(event));
  } else if (url.pathname.startsWith(CONFIG.static)) {
    event.respondWith(staticFile(request));
  }
});
