// Live pages: one Server-Sent Events connection per page (GET /live) keeps the unread badge,
// an action's chat and its participants up to date without reloading. Pages work without
// this script: a reload shows the same. The browser reconnects by itself and sends
// Last-Event-ID, so no message is shown twice or missed.
(function () {
  "use strict";
  if (!window.EventSource) return;
  var chat = document.querySelector("[data-live-action]");
  var url = "/live" + (chat ? "?action=" + encodeURIComponent(chat.getAttribute("data-live-action")) : "");
  var source = new EventSource(url);

  source.addEventListener("unread", function (event) {
    var count = JSON.parse(event.data).count;
    document.querySelectorAll('[data-live="unread"]').forEach(function (badge) {
      badge.textContent = String(count);
      badge.hidden = count === 0;
    });
  });

  function refresh(selector) {
    // Take the fresh part from the page itself: the server renders it (forms, tokens, labels).
    return fetch(window.location.pathname, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(selector);
        var current = document.querySelector(selector);
        if (fresh && current) current.replaceWith(fresh);
      });
  }

  source.addEventListener("message", function (event) {
    var message = JSON.parse(event.data);
    var list = document.querySelector('[data-live="messages"]');
    if (!list || list.querySelector('[data-message-id="' + message.id + '"]')) return;
    var empty = document.querySelector('[data-live="no-messages"]');
    if (empty) empty.hidden = true;
    var item = document.createElement("li");
    item.setAttribute("data-message-id", String(message.id));
    if (chat && message.author_id && message.author_id === chat.getAttribute("data-live-me")) {
      item.className = "own";
    }
    var meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = message.author + " · " + new Date(message.created_at).toLocaleString();
    var body = document.createElement("p");
    body.className = "body";
    body.textContent = message.body;
    item.appendChild(meta);
    item.appendChild(body);
    list.appendChild(item);
    list.hidden = false;
  });

  source.addEventListener("participants", function () {
    refresh('[data-live="participants"]');
  });

  // Web Push on the notification choices page: register the service worker, subscribe.
  var button = document.querySelector("[data-push-subscribe]");
  var status = document.querySelector("[data-push-status]");
  if (button && "serviceWorker" in navigator && "PushManager" in window) {
    button.hidden = false;
    if (status) status.hidden = true;
    button.addEventListener("click", function () {
      var token = document.querySelector('input[name="csrf_token"]').value;
      Promise.all([
        navigator.serviceWorker.register("/sw.js"),
        fetch("/api/v1/push/key").then(function (r) { return r.json(); }),
        Notification.requestPermission(),
      ]).then(function (results) {
        if (results[2] !== "granted") throw new Error("permission refused");
        return navigator.serviceWorker.ready.then(function (registration) {
          return registration.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: decode(results[1].public_key),
          });
        });
      }).then(function (subscription) {
        var json = subscription.toJSON();
        var form = new URLSearchParams();
        form.set("csrf_token", token);
        form.set("endpoint", json.endpoint);
        form.set("p256dh", json.keys.p256dh);
        form.set("auth", json.keys.auth);
        form.set("label", navigator.userAgent.slice(0, 100));
        return fetch("/notifications/devices", { method: "POST", body: form, credentials: "same-origin" });
      }).then(function () { window.location.reload(); })
        .catch(function () { if (status) { status.hidden = false; } });
    });
  }

  function decode(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
})();
