// Polls a solver run and updates its progress card; no libraries, no CDN.
(function () {
  "use strict";
  var card = document.getElementById("solver-run");
  if (!card) return;
  var field = function (name) { return card.querySelector('[data-field="' + name + '"]'); };
  // Continuity 0 means no client met any staff yet: shown as "–", as the server does.
  var decimal = function (x) { return !x ? "–" : x.toLocaleString("sv-SE", {maximumFractionDigits: 2}); };

  function show(data) {
    field("bar").value = data.fraction;
    field("elapsed").textContent = Math.round(data.elapsed_s || 0);
    field("continuity").textContent = decimal(data.continuity);
    if (data.state === "done" || data.state === "failed" || data.state === "cancelled") {
      var label = field("continuity-label");
      label.textContent = label.dataset.final;  // the final figure, no longer "so far"
      var cancel = field("cancel");
      if (cancel) cancel.hidden = true;
      if (data.plan_url) {
        var link = field("plan-link");
        link.href = data.plan_url;
        link.hidden = false;
      }
      if (data.error) field("status").textContent = data.error;
      else if (data.state !== card.dataset.state) window.location.reload();
      return false;
    }
    return true;
  }

  function poll() {
    fetch(card.dataset.progressUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (data) { if (show(data)) window.setTimeout(poll, 1000); })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  if (card.dataset.state === "queued" || card.dataset.state === "running") poll();
})();
