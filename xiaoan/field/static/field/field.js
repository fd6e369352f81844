/* Field work that never loses an answer (docs/inspections.md, "Offline").
 *
 * Every answer of an inspection is sent as it is tapped, and every form marked data-offline
 * (a raised hazard, a reported hazard, a patrol, a daily food-safety log) is sent through the
 * same outbox: the write is first kept on the device (IndexedDB, photos as blobs), then sent
 * in order, each with its own id (X-Idempotency-Key) so that a retry is answered once by the
 * server and never doubled.
 * A write the server refuses (someone saved the item since: 409) comes back as the item's card
 * with the reason and what was typed; it is shown, never sent again over the other's answer.
 * The banner says offline / n waiting. The service worker (sw.js) keeps the pages for use
 * without a network.
 */
(function () {
  "use strict";
  var DB_NAME = "xiaoan-field";
  var OUTBOX = "outbox";
  var FAILED_KEY = "xiaoan-field-failed";
  var banner = document.getElementById("offline-banner");
  if (!banner || !window.indexedDB) { return; }
  var userId = banner.dataset.user || "";
  var inFlight = null;
  var flushing = false;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(OUTBOX, { keyPath: "seq", autoIncrement: true });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  /* Run `work(store)` in one transaction; resolves with what work's last request gave. */
  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(OUTBOX, mode);
        var result;
        var request = work(transaction.objectStore(OUTBOX));
        if (request) { request.onsuccess = function () { result = request.result; }; }
        transaction.oncomplete = function () { db.close(); resolve(result); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function allEntries() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (entries) {
      return (entries || []).filter(function (entry) { return entry.user === userId; });
    });
  }
  function putEntry(entry) { return withStore("readwrite", function (store) { return store.put(entry); }); }
  function removeEntry(seq) { return withStore("readwrite", function (store) { return store.delete(seq); }); }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40; bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function localMinute(date) {
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return date.getFullYear() + "-" + two(date.getMonth() + 1) + "-" + two(date.getDate()) +
      "T" + two(date.getHours()) + ":" + two(date.getMinutes());
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (error) { return ""; }
  }

  function field(entry, name) {
    var found = entry.fields.filter(function (pair) { return pair[0] === name; });
    return found.length ? found[0][1] : null;
  }

  /* What a form holds now, as an outbox entry (files as blobs). */
  function entryFrom(form, options) {
    var fields = [];
    var files = [];
    new FormData(form).forEach(function (value, name) {
      if (value instanceof File) {
        if (value.size) { files.push([name, value, value.name || "photo.jpg"]); }
      } else if (name !== "csrfmiddlewaretoken") {
        fields.push([name, value]);
      }
    });
    return {
      key: uuid(), user: userId, url: form.action, fields: fields, files: files,
      target: options.target || "", follow: !!options.follow, kind: options.kind,
      label: form.dataset.label || document.title, created: new Date().toISOString()
    };
  }

  /* Keep the entry; a change of the same item still waiting (not being sent) is merged into
     it, so ten taps offline send one answer, from the version the page showed. Reading and
     writing happen in one transaction, so two quick changes (a note, then a photo) cannot both
     find no entry and be kept twice. */
  var keeping = Promise.resolve();
  function keep(entry) {
    keeping = keeping.catch(function () { return null; }).then(function () { return keepNow(entry); });
    return keeping;
  }
  function keepNow(entry) {
    return withStore("readwrite", function (store) {
      var all = store.getAll();
      all.onsuccess = function () {
        var entries = (all.result || []).filter(function (other) { return other.user === userId; });
        var last = entries[entries.length - 1];
        if (last && entry.kind === "answer" && last.kind === "answer" && last.url === entry.url &&
            last.seq !== inFlight) {
          var version = field(last, "version");
          last.fields = entry.fields.map(function (pair) {
            return pair[0] === "version" ? ["version", version] : pair;
          });
          if (entry.files.length) { last.files = entry.files; }
          store.put(last);
        } else {
          store.put(entry);
        }
      };
      return null;
    });
  }

  function setState(target, state, text) {
    var card = target && document.querySelector(target);
    var badge = card && card.querySelector(".answer-state");
    if (!badge) { return; }
    badge.dataset.state = state;
    badge.textContent = text || banner.dataset["state" + state.charAt(0).toUpperCase() + state.slice(1)] || "";
  }

  function swap(target, html) {
    var element = target && document.querySelector(target);
    if (!element) { return; }
    if (window.htmx && htmx.swap) {
      htmx.swap(element, html, { swapStyle: "outerHTML" });
    } else {
      element.outerHTML = html;
    }
  }

  /* After an answer is saved, the item's writes still waiting were made on top of it: they
     carry the version the server gave it, not the one before (else they would be refused as
     someone else's). */
  function carryVersion(entry, html) {
    var match = /data-version="(\d+)"/.exec(html);
    var sent = field(entry, "version");
    if (!match || sent === null) { return Promise.resolve(); }
    return allEntries().then(function (entries) {
      return Promise.all(entries.filter(function (other) {
        return other.url === entry.url && field(other, "version") === sent;
      }).map(function (other) {
        other.fields = other.fields.map(function (pair) {
          return pair[0] === "version" ? ["version", match[1]] : pair;
        });
        return putEntry(other);
      }));
    });
  }

  function failures() {
    try { return JSON.parse(localStorage.getItem(FAILED_KEY) || "[]"); } catch (error) { return []; }
  }
  function addFailure(entry, status) {
    var list = failures();
    list.push({ label: entry.label, status: status, at: new Date().toISOString() });
    localStorage.setItem(FAILED_KEY, JSON.stringify(list.slice(-20)));
  }

  /* Send one entry: "sent", "refused" (kept out of the outbox, shown) or "later". */
  function send(entry) {
    var body = new FormData();
    entry.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    entry.files.forEach(function (file) { body.append(file[0], file[1], file[2]); });
    body.append("csrfmiddlewaretoken", csrfToken());
    var headers = { "X-CSRFToken": csrfToken(), "X-Idempotency-Key": entry.key };
    if (entry.target) { headers["HX-Request"] = "true"; }
    setState(entry.target, "sending");
    return fetch(entry.url, { method: "POST", body: body, credentials: "same-origin", headers: headers })
      .then(function (response) {
        if (response.redirected && new URL(response.url).pathname === banner.dataset.login) {
          banner.dataset.signedOut = "true";
          return "later";
        }
        if (response.status >= 500 || response.status === 429) { return "later"; }
        return response.text().then(function (html) {
          return removeEntry(entry.seq).then(function () {
            return settle(entry, response, html);
          });
        });
      }, function () { return "later"; });
  }

  function settle(entry, response, html) {
    var accepted = response.ok && (entry.target || response.redirected);
    if (entry.target) { swap(entry.target, html); }
    if (!accepted) {
      if (entry.follow && entry.page === location.href && response.ok) {
        // The form came back with its errors while its page is still open: show it (what was
        // typed is in it, the errors at their fields); the banner need not say it again.
        showPage(html);
      } else {
        addFailure(entry, response.status);
      }
      return "refused";
    }
    if (entry.follow && entry.page === location.href) {
      // The fetch read the page it was sent on to, and with it the server's message (“patrol
      // recorded”): the message is carried over to the page opened next.
      keepMessages(html);
      location.assign(response.url);
    }
    return carryVersion(entry, html).then(function () { return "sent"; });
  }

  /* Put the page the server answered in place of this one's main part. Rewriting the whole
     document would run this page's scripts a second time (two timers, two listeners). */
  function showPage(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var fresh = page.querySelector("main");
    var current = document.querySelector("main");
    if (!fresh || !current) { location.reload(); return; }
    current.replaceWith(fresh);
    document.title = page.title;
    if (window.htmx) { window.htmx.process(fresh); }
  }

  var MESSAGES_KEY = "xiaoan-field-messages";
  function keepMessages(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var found = Array.prototype.map.call(page.querySelectorAll("main > .alert[role=alert]"), function (alert) {
      return { level: alert.className, text: alert.textContent.trim() };
    });
    try { sessionStorage.setItem(MESSAGES_KEY, JSON.stringify(found)); } catch (error) { /* private mode */ }
  }
  function showKeptMessages() {
    var kept;
    try { kept = JSON.parse(sessionStorage.getItem(MESSAGES_KEY) || "[]"); sessionStorage.removeItem(MESSAGES_KEY); }
    catch (error) { kept = []; }
    var main = document.querySelector("main");
    if (!main) { return; }
    kept.reverse().forEach(function (message) {
      var alert = document.createElement("div");
      alert.className = message.level;
      alert.setAttribute("role", "alert");
      alert.textContent = message.text;
      main.insertBefore(alert, main.firstChild);
    });
  }

  var RETRY_FIRST = 1000;
  var RETRY_LAST = 30000;
  var retryDelay = RETRY_FIRST;
  function flushOnce() {
    if (flushing || !navigator.onLine) { return render(); }
    flushing = true;
    function next() {
      return allEntries().then(function (entries) {
        if (!entries.length) { return null; }
        inFlight = entries[0].seq;
        return send(entries[0]).then(function (outcome) {
          inFlight = null;
          if (outcome !== "later") { retryDelay = RETRY_FIRST; return next(); }
          // The network said "online" but the send failed (a signal that comes and goes at a
          // basement's door): try again soon, then less often, not only every 30 seconds.
          if (navigator.onLine) {
            setTimeout(flush, retryDelay);
            retryDelay = Math.min(retryDelay * 2, RETRY_LAST);
          }
          return null;
        });
      });
    }
    return next().catch(function () { return null; }).then(function () {
      flushing = false;
      inFlight = null;
      return render();
    });
  }

  /* A send asked for while another is running (in this tab or another) may come just after
     that one read the outbox for the last time: it is asked again in a moment, not left
     waiting for the next half-minute. */
  var again = null;
  function flushSoon() {
    if (again) { return; }
    again = setTimeout(function () { again = null; flush(); }, RETRY_FIRST);
  }

  function flush() {
    // One tab sends at a time (two tabs would send the same entry twice; the id would stop
    // the second, but not its wasted photo upload).
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request("xiaoan-outbox", { ifAvailable: true }, function (lock) {
        if (lock) { return flushOnce(); }
        flushSoon();
        return render();
      });
    }
    if (flushing) { flushSoon(); }
    return flushOnce();
  }

  function render() {
    return allEntries().then(function (entries) {
      var offline = !navigator.onLine;
      var parts = [];
      if (offline) { parts.push(banner.dataset.offline); }
      if (entries.length) { parts.push(banner.dataset.waitingCount.replace("{n}", entries.length)); }
      if (banner.dataset.signedOut) { parts.push(banner.dataset.signin); }
      var failed = failures();
      if (failed.length) {
        parts.push(banner.dataset.refusedCount.replace("{n}", failed.length) + " " +
          failed.map(function (f) { return f.label; }).join("；"));
      }
      banner.querySelector(".banner-text").textContent = parts.join(" · ");
      banner.querySelector(".banner-clear").classList.toggle("d-none", !failed.length);
      banner.classList.toggle("d-none", !parts.length);
      banner.classList.toggle("alert-warning", offline || entries.length > 0);
      banner.classList.toggle("alert-info", !offline && !entries.length);
      banner.dataset.pending = String(entries.length);
      entries.forEach(function (entry) { setState(entry.target, "waiting"); });
      var list = document.getElementById("outbox-list");
      if (list) {
        list.textContent = "";
        entries.forEach(function (entry) {
          var item = document.createElement("li");
          item.textContent = entry.label + " · " + entry.created.slice(11, 16);
          list.appendChild(item);
        });
      }
    });
  }

  /* A page opened from the device's copy shows what is waiting as the user left it. */
  function restore() {
    return allEntries().then(function (entries) {
      entries.forEach(function (entry) {
        var card = entry.kind === "answer" && entry.target && document.querySelector(entry.target);
        var form = card && card.querySelector("form[data-autosave]");
        if (!form) { return; }
        var result = field(entry, "result");
        var radio = result && form.querySelector('input[name="result"][value="' + result + '"]');
        if (radio) { radio.checked = true; }
        var note = form.querySelector('input[name="note"]');
        if (note && field(entry, "note") !== null) { note.value = field(entry, "note"); }
      });
    });
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form[data-autosave]");
    if (!form || !form.querySelector('input[name="result"]:checked')) { return; }
    var entry = entryFrom(form, { target: form.dataset.autosave, kind: "answer" });
    var card = form.closest(".answer-card");
    var title = card && card.querySelector(".fw-semibold");
    entry.label = title ? title.textContent.trim().slice(0, 30) : entry.label;
    if (event.target.type === "file") { event.target.value = ""; }
    setState(entry.target, "waiting");
    keep(entry).then(flush);
  });

  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("form[data-offline]");
    if (!form) { return; }
    event.preventDefault();
    // The moment it was recorded, as the device knows it: sent later, it keeps its time.
    Array.prototype.forEach.call(form.querySelectorAll("input[data-now]"), function (input) {
      input.value = new Date().toISOString();
    });
    // A time the user may type (a food sample's) left empty: the device's minute, as typed.
    Array.prototype.forEach.call(form.querySelectorAll("input[data-now-if-empty]"), function (input) {
      if (!input.value) { input.value = localMinute(new Date()); }
    });
    var target = form.dataset.offline;
    var entry = entryFrom(form, { target: target, follow: !target, kind: "form" });
    entry.page = location.href;
    keep(entry).then(function () {
      form.reset();
      var note = form.querySelector("[data-offline-note]");
      if (note && !navigator.onLine) { note.classList.remove("d-none"); }
      setState(target, "waiting");
      return flush();
    });
  });

  document.addEventListener("submit", function (event) {
    // Signing out forgets the pages kept on this device (what is waiting stays, for its user).
    if (event.target.matches && event.target.matches("form[data-forget-offline]") && window.caches) {
      caches.delete("xiaoan-pages");
    }
  });

  banner.querySelector(".banner-clear").addEventListener("click", function () {
    localStorage.removeItem(FAILED_KEY);
    render();
  });

  /* Each link of the field page kept on this device is marked (a tick), so the user knows
     what opens without a network. */
  function markKept() {
    if (!window.caches) { return Promise.resolve(); }
    return caches.open("xiaoan-pages").then(function (cache) { return cache.keys(); }).then(function (kept) {
      var paths = kept.map(function (request) { return new URL(request.url).pathname; });
      Array.prototype.forEach.call(document.querySelectorAll("a[data-offline-page]"), function (a) {
        if (paths.indexOf(new URL(a.href).pathname) >= 0) { a.dataset.kept = "true"; }
      });
    });
  }

  /* The field page asks the worker to keep today's pages for use without a network; the
     worker answers on the channel once they are kept. */
  function keepPages() {
    var links = Array.prototype.map.call(document.querySelectorAll("a[data-offline-page]"), function (a) { return a.href; });
    if (!links.length || !navigator.serviceWorker) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      if (!registration.active) { return; }
      var channel = new MessageChannel();
      channel.port1.onmessage = markKept;
      registration.active.postMessage({ type: "keep", urls: links }, [channel.port2]);
    });
  }

  if (navigator.serviceWorker && banner.dataset.sw) {
    navigator.serviceWorker.register(banner.dataset.sw, { scope: "/" }).then(function () {
      navigator.serviceWorker.ready.then(function (registration) {
        // A page still loading while the worker activated can miss its claim: ask again, so
        // this page, not only the next one, works without a network.
        if (!navigator.serviceWorker.controller && registration.active) {
          registration.active.postMessage({ type: "claim" });
        }
      });
      keepPages();
    }, function (error) { console.warn("service worker not registered:", error); });
  }
  window.addEventListener("online", flush);
  window.addEventListener("offline", render);
  setInterval(flush, 30000);
  showKeptMessages();
  markKept();
  restore().then(flush);
})();
