// Suara console: the queue refreshes its rows when something arrives, the case page offers to.
// Served from the project (the Content-Security-Policy allows no other script).
(function () {
  "use strict";

  function poll(box, onChange) {
    var seconds = parseInt(box.dataset.poll || "20", 10);
    var busy = false;
    window.setInterval(function () {
      if (busy || document.hidden) return;
      busy = true;
      fetch(box.dataset.changes, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (answer) { return answer.ok ? answer.json() : null; })
        .then(function (body) {
          if (body && body.mark !== box.dataset.mark) {
            onChange(body.mark);
          }
        })
        .catch(function () { /* offline for a while: try again at the next tick */ })
        .finally(function () { busy = false; });
    }, seconds * 1000);
  }

  // A reload would throw away what the caseworker chose or typed, or cancel a form on its way.
  var touched = false;
  var leaving = false;
  document.addEventListener("input", function () { touched = true; });
  document.addEventListener("change", function () { touched = true; });
  document.addEventListener("submit", function () { leaving = true; });

  var queue = document.getElementById("queue");
  if (queue) {
    queue.dataset.changes = "/console/changes";
    poll(queue, function (mark) {
      fetch(queue.dataset.refresh, { credentials: "same-origin" })
        .then(function (answer) { return answer.ok ? answer.text() : null; })
        .then(function (html) {
          if (html === null) return;
          queue.innerHTML = html;
          queue.dataset.mark = mark;
        });
    });
  }

  var page = document.getElementById("case");
  if (page) {
    poll(page, function (mark) {
      if (leaving) return;
      if (touched) {
        var news = document.getElementById("news");
        if (news) news.hidden = false;
        return;
      }
      window.location.reload();
    });
  }
})();
