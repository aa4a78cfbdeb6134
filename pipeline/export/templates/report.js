/* rodedraden report: filters and figures. Data comes from JSON (JSON.parse) and reaches the
   page only through textContent and value, never as HTML. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var bar = document.getElementById("filters");
  var LEVELS = { arbeidsmarktregios: "Arbeidsmarktregio's", provincies: "Provincies" };
  var FILTERS = [
    { key: "doelgroep", label: "Doelgroep", all: "all target groups" },
    { key: "regio", label: "Arbeidsmarktregio / provincie", all: "all regions" },
    { key: "thema", label: "Theme", all: "all themes" }
  ];

  function option(value, text) {
    var element = document.createElement("option");
    element.value = value;
    element.textContent = text;
    return element;
  }

  function buildSelect(filter) {
    var label = document.createElement("label");
    var select = document.createElement("select");
    label.appendChild(document.createTextNode(filter.label));
    label.appendChild(select);
    select.id = "filter-" + filter.key;
    select.name = filter.key;
    select.appendChild(option("", filter.all));
    var groups = {};
    (data[filter.key] || []).forEach(function (item) {
      var parent = select;
      if (LEVELS[item.level]) {
        if (!groups[item.level]) {
          groups[item.level] = document.createElement("optgroup");
          groups[item.level].label = LEVELS[item.level];
          select.appendChild(groups[item.level]);
        }
        parent = groups[item.level];
      }
      parent.appendChild(option(item.id, item.name + " (" + item.documents + ")"));
    });
    select.addEventListener("change", function () { apply(); remember(); });
    filter.select = select;
    bar.appendChild(label);
  }

  function setValue(filter, value) {
    var known = Array.prototype.some.call(filter.select.options, function (o) {
      return o.value === value;
    });
    if (value && !known) {  // an id from the link that the list lacks (a gemeente, say)
      filter.select.appendChild(option(value, value + " (from the link)"));
    }
    filter.select.value = value || "";
  }

  function apply() {
    var shown = 0;
    data.documents.forEach(function (doc) {
      var match = FILTERS.every(function (filter) {
        var value = filter.select.value;
        return !value || (doc[filter.key] || []).indexOf(value) >= 0;
      });
      var element = document.getElementById("doc-" + doc.id);
      if (element) { element.hidden = !match; }
      if (match) { shown += 1; }
    });
    count.textContent = "Showing " + shown + " of " + data.documents.length + " documents";
    bar.setAttribute("data-count", String(shown));
    document.body.setAttribute("data-shown", String(shown));
  }

  function remember() {
    var params = new URLSearchParams();
    FILTERS.forEach(function (filter) {
      if (filter.select.value) { params.set(filter.key, filter.select.value); }
    });
    var query = params.toString();
    try {
      history.replaceState(null, "", (query ? "?" + query : location.pathname) + "#documents");
    } catch (error) { /* some browsers refuse this on file:// pages; filtering still works */ }
  }

  function useParams(params, scroll) {
    FILTERS.forEach(function (filter) { setValue(filter, params.get(filter.key) || ""); });
    apply();
    if (scroll) {
      remember();
      document.getElementById("documents").scrollIntoView();
    }
  }

  FILTERS.forEach(buildSelect);
  var reset = document.createElement("button");
  reset.type = "button";
  reset.textContent = "Clear filters";
  reset.addEventListener("click", function () { useParams(new URLSearchParams(), true); });
  bar.appendChild(reset);
  var count = document.createElement("span");
  count.className = "filter-count";
  count.setAttribute("aria-live", "polite");
  bar.appendChild(count);

  Array.prototype.forEach.call(document.querySelectorAll("a.filter-link"), function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      useParams(new URL(link.href).searchParams, true);
    });
  });
  useParams(new URLSearchParams(location.search), false);

  Array.prototype.forEach.call(document.querySelectorAll("[data-figure]"), function (element) {
    function fail(error) {
      element.textContent = "This figure could not be drawn: " + (error && error.message);
      element.setAttribute("data-rendered", "0");
    }
    if (typeof Plotly === "undefined") { fail(new Error("plotly.js is missing")); return; }
    try {
      var figure = JSON.parse(document.getElementById(element.getAttribute("data-figure"))
        .textContent);
      var config = { responsive: true, displaylogo: false };
      Promise.resolve(Plotly.newPlot(element, figure.data || [], figure.layout || {}, config))
        .then(function () { element.setAttribute("data-rendered", "1"); }, fail);
    } catch (error) { fail(error); }
  });
  document.body.setAttribute("data-ready", "1");
}());
