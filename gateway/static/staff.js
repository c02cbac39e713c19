// Staff pages: the count of new and urgent handovers in the header, and each one's waiting
// time, refreshed without reloading the page (GET /api/v1/staff/handovers/count).
(function () {
  "use strict";
  var EVERY_MS = 15000;

  function show(name, value) {
    document.querySelectorAll('[data-count="' + name + '"]').forEach(function (el) {
      var badge = el.classList.contains("badge");
      el.textContent = badge && !value ? "" : String(value);
      el.hidden = badge && !value;
    });
  }

  function refresh() {
    fetch("/api/v1/staff/handovers/count", {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (counts) {
        if (!counts) return;
        show("open", counts.open);
        show("new", counts["new"]);
        show("urgent", counts.urgent);
        counts.waiting.forEach(function (item) {
          var el = document.querySelector('[data-waiting="' + item.id + '"]');
          if (el) el.textContent = String(Math.floor(item.seconds / 60));
        });
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }

  refresh();
  setInterval(refresh, EVERY_MS);
})();
