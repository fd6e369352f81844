/* Xiao'an service worker: the files of the field pages kept at install; the field pages
 * (today's work, an inspection, a hazard report, a patrol point, the new-row form of a daily log
 * kept on a phone: a morning check, a food sample…) fetched from the network when
 * there is one and kept, and answered from the device's copy when there is none. Writes are
 * not touched here: the pages' outbox (field.js) keeps and sends them. */
"use strict";
const STATIC_CACHE = "xiaoan-static-{{ version }}";
const PAGES_CACHE = "xiaoan-pages";
const PRECACHE = {{ precache|safe }};
const STATIC_URL = {{ static_url|safe }};
const OFFLINE_URL = {{ offline_url|safe }};
const FIELD_PAGES = [
  /^\/field\/$/,
  /^\/inspections\/\d+\/$/,
  /^\/hazards\/new\/$/,
  /^\/registers\/patrol-points\/\d+\/scan\/$/,
];
// The registers whose new rows are recorded on a phone (`Register.offline`).
const FORM_PAGES = {{ form_pages|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(STATIC_CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys
        .filter((key) => key.startsWith("xiaoan-static-") && key !== STATIC_CACHE)
        .map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

function isFieldPage(url) {
  return FIELD_PAGES.some((pattern) => pattern.test(url.pathname)) ||
    FORM_PAGES.includes(url.pathname);
}

async function keepPage(url, response) {
  // Only a page the user really received: not a login redirect, not an error page.
  if (response.ok && !response.redirected) {
    const cache = await caches.open(PAGES_CACHE);
    await cache.put(url.pathname, response.clone());
    return true;
  }
  return false;
}

async function networkFirst(request, url) {
  try {
    const response = await fetch(request);
    if (isFieldPage(url)) {
      await keepPage(url, response);
    }
    return response;
  } catch (error) {
    const kept = await caches.match(url.pathname, { cacheName: PAGES_CACHE });
    if (kept) {
      return kept;
    }
    if (request.mode === "navigate") {
      const fallback = await caches.match(OFFLINE_URL, { cacheName: STATIC_CACHE });
      if (fallback) {
        return fallback;
      }
    }
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname.startsWith(STATIC_URL)) {
    event.respondWith(caches.match(request).then((kept) => kept || fetch(request)));
  } else if (request.mode === "navigate" || isFieldPage(url)) {
    event.respondWith(networkFirst(request, url));
  }
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "claim") {
    event.waitUntil(self.clients.claim());
    return;
  }
  if (data.type === "keep" && Array.isArray(data.urls)) {
    // One page after another (a phone on a weak network, a small server); the page is told
    // on its channel which of its links are now kept, so the user knows what works offline.
    event.waitUntil((async () => {
      const kept = [];
      for (const href of data.urls) {
        const url = new URL(href, self.location.origin);
        if (url.origin !== self.location.origin || !isFieldPage(url)) {
          continue;
        }
        try {
          const response = await fetch(url.pathname, { credentials: "same-origin" });
          if (await keepPage(url, response)) {
            kept.push(href);
          }
        } catch (error) {
          // No network now: the page is kept the next time it is opened.
        }
      }
      const reply = event.ports && event.ports[0];
      if (reply) {
        reply.postMessage({ type: "kept", urls: kept });
      }
    })());
  } else if (data.type === "forget") {
    event.waitUntil(caches.delete(PAGES_CACHE));
  }
});
