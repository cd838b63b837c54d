// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Ask before cancelling or hiding a fax.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // Live refresh of the sent-faxes list while faxes are in progress: the same page is
  // fetched again and only the results region is replaced (focus and scroll are kept).
  var region = document.getElementById("results");
  var live = document.getElementById("live");
  if (!region || !region.hasAttribute("data-refresh") || !window.fetch || !window.DOMParser) {
    return;
  }
  var seconds = Math.max(2, parseInt(region.getAttribute("data-refresh"), 10) || 5);
  var timer = null;

  function schedule() {
    timer = window.setTimeout(refresh, seconds * 1000);
  }

  function refresh() {
    if (document.hidden || region.contains(document.activeElement)) {
      schedule();
      return;
    }
    window.fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok || response.redirected) { throw new Error("status " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("results");
        if (!fresh) { return; }
        region.innerHTML = fresh.innerHTML;
        var summary = document.querySelector(".summary");
        var freshSummary = doc.querySelector(".summary");
        if (summary && freshSummary) { summary.textContent = freshSummary.textContent; }
        if (live) {
          live.textContent = (live.getAttribute("data-template") || "%s")
            .replace("%s", new Date().toLocaleTimeString());
        }
        if (fresh.hasAttribute("data-refresh")) {
          schedule();
        } else {
          region.removeAttribute("data-refresh");
        }
      })
      .catch(function () { schedule(); });
  }

  schedule();
})();
