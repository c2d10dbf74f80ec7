// clean --report: the reason filter. Hiding a reason rewrites one <style> rule
// (".r3,.r7{display:none}") instead of touching every line: constant DOM work
// however many documents the page holds.
(function () {
  "use strict";
  var filter = document.getElementById("filter");
  var reasons = Array.prototype.slice.call(document.querySelectorAll("#reasons input[data-r]"));
  var kinds = Array.prototype.slice.call(document.querySelectorAll("#reasons input[data-kind-box]"));

  function sync() {
    var hidden = reasons.filter(function (b) { return !b.checked; })
                        .map(function (b) { return "." + b.dataset.r; });
    // !important: a bare class loses to the line layout's ".lines p" otherwise.
    filter.textContent = hidden.length ? hidden.join(",") + "{display:none!important}" : "";
    kinds.forEach(function (k) {
      var mine = reasons.filter(function (b) { return b.dataset.k === k.dataset.k; });
      var on = mine.filter(function (b) { return b.checked; }).length;
      k.checked = on === mine.length;
      k.indeterminate = on > 0 && on < mine.length;
    });
  }
  function setAll(boxes, on) { boxes.forEach(function (b) { b.checked = on; }); sync(); }

  reasons.forEach(function (b) { b.addEventListener("change", sync); });
  kinds.forEach(function (k) {
    k.addEventListener("change", function () {
      setAll(reasons.filter(function (b) { return b.dataset.k === k.dataset.k; }), k.checked);
    });
  });
  document.getElementById("all").addEventListener("click", function () { setAll(reasons, true); });
  document.getElementById("none").addEventListener("click", function () { setAll(reasons, false); });
  [["show-kept", "nokept"], ["show-unchanged", "nounchanged"]].forEach(function (pair) {
    var box = document.getElementById(pair[0]);
    function apply() { document.body.classList.toggle(pair[1], !box.checked); }
    box.addEventListener("change", apply);
    apply();
  });
  sync();
})();
