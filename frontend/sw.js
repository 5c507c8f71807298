// Basegun's service worker: the app shell and the catalog (with its securing guides) stay available offline, and so
// do the typology model and ONNX Runtime once the app has downloaded them (js/offline/store.js fills OFFLINE_CACHE).
// Photos and answers are never cached: every POST goes straight to the network.

const CACHE = "basegun-v1";
const OFFLINE_CACHE = "basegun-offline-v1"; // the name js/offline/store.js uses
const CATALOG = "api/v1/typologies";
const MODEL_MANIFEST = "api/v1/models/typology.json";
const RUNTIME = "vendor/onnxruntime-web/";
const MODEL_FILE = "api/v1/models/typology.onnx";
const OFFLINE_FILES = [MODEL_FILE, `${RUNTIME}ort.wasm.bundle.min.mjs`, `${RUNTIME}ort-wasm-simd-threaded.wasm`];
const NETWORK_WAIT_MS = 4000;
const SHELL = [
  "./",
  "index.html",
  "manifest.webmanifest",
  "css/app.css",
  "station.html",
  "station.css",
  "station.js",
  "icons/icon.svg",
  "icons/icon-192.png",
  "locales/fr.json",
  "locales/en.json",
  "js/api.js",
  "js/app.js",
  "js/auth.js",
  "js/catalog.js",
  "js/dom.js",
  "js/i18n.js",
  "js/markings_fields.js",
  "js/offline/answer.js",
  "js/offline/model.js",
  "js/offline/preprocess.js",
  "js/offline/status.js",
  "js/offline/store.js",
  "js/offline/views.js",
  "js/photo.js",
  "js/router.js",
  "js/state.js",
  "js/transfer.js",
  "js/ui.js",
  "js/views.js",
  "js/screens/alarm.js",
  "js/screens/experts.js",
  "js/screens/guide.js",
  "js/screens/identify.js",
  "js/screens/intro.js",
  "js/screens/markings.js",
  "js/screens/measure.js",
  "js/screens/photo.js",
  "js/screens/replica.js",
  "js/screens/summary.js",
];

const scoped = (path) => new URL(path, self.registration.scope).href;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(SHELL.map(scoped));
      // The catalog may be unavailable while the models load; the app asks for it again and it is cached then.
      await cache.add(scoped(CATALOG)).catch(() => undefined);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE && name !== OFFLINE_CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

/** The network's answer, kept for later; the cached copy when the network fails, is slow, or answers an error. */
async function networkFirst(request, cacheName = CACHE) {
  const cache = await caches.open(cacheName);
  const fetching = fetch(request).then((response) => {
    if (response.ok) cache.put(request, response.clone());
    return response;
  });
  const cached = await cache.match(request);
  if (!cached) return fetching;
  const timer = new Promise((resolve) => setTimeout(() => resolve(null), NETWORK_WAIT_MS));
  try {
    const response = await Promise.race([fetching, timer]);
    return response && response.ok ? response : cached;
  } catch {
    return cached;
  }
}

/** The kept model or runtime file, else the network (the app downloads them with progress, see js/offline/store.js). */
async function offlineFile(request) {
  const cached = await (await caches.open(OFFLINE_CACHE)).match(request);
  return cached ?? fetch(request);
}

/** The cached copy at once, refreshed in the background for the next visit. */
async function staleWhileRevalidate(event, key) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(key);
  const fetching = fetch(event.request).then((response) => {
    if (response.ok) cache.put(key, response.clone());
    return response;
  });
  if (!cached) return fetching;
  // Offline, the refresh fails: the cached copy is what the user gets, as intended.
  event.waitUntil(fetching.catch(() => undefined));
  return cached;
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.href === scoped(CATALOG)) {
    event.respondWith(networkFirst(request));
    return;
  }
  const page = url.origin + url.pathname;
  if (page === scoped(MODEL_MANIFEST)) {
    event.respondWith(networkFirst(request, OFFLINE_CACHE));
    return;
  }
  // A download asks past the kept copy ("reload"): the network answers it.
  if (OFFLINE_FILES.some((path) => scoped(path) === page) && request.cache !== "reload") {
    event.respondWith(offlineFile(request));
    return;
  }
  if (request.mode === "navigate" && (page === scoped("./") || page === scoped("index.html"))) {
    event.respondWith(staleWhileRevalidate(event, scoped("./")));
    return;
  }
  if (SHELL.some((path) => scoped(path) === page)) event.respondWith(staleWhileRevalidate(event, page));
});
