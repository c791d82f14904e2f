// The decision form: receivers suggested as one types (partner agencies and the directory,
// short names and aliases resolved as in normalize); deadlines follow the chosen kind.
(function () {
  "use strict";
  var form = document.getElementById("decide");
  if (!form) { return; }
  var input = form.querySelector("input[data-suggest]");
  var list = document.getElementById(input.getAttribute("list"));
  var timer = null, asked = "";
  function fill(rows) {
    list.textContent = "";
    rows.forEach(function (row) {
      var option = document.createElement("option");
      option.value = row.name;
      option.label = row.source + (row.region ? " · " + row.region : "");
      list.appendChild(option);
    });
  }
  input.addEventListener("input", function () {
    var words = input.value.trim();
    if (timer) { clearTimeout(timer); }
    if (!words || words === asked) { return; }
    timer = setTimeout(function () {
      asked = words;
      var url = input.dataset.suggest + "?q=" + encodeURIComponent(words) +
        "&region=" + encodeURIComponent(input.dataset.region || "");
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {receivers: []}; })
        .then(function (data) { if (input.value.trim() === words) { fill(data.receivers); } })
        .catch(function () { /* no suggestions: the name typed is still checked on submit */ });
    }, 150);
  });
  var deadlines = JSON.parse(form.dataset.deadlines || "{}");
  var kind = form.querySelector("select[name=kind]");
  kind.addEventListener("change", function () {
    var days = deadlines[kind.value];
    if (!days) { return; }
    form.querySelector("input[name=reply_days]").value = days[0];
    form.querySelector("input[name=complete_days]").value = days[1];
  });
}());
