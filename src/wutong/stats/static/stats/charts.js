/* Charts of the figures page and the dashboard (stats app). The data comes from the page's
   json_script tag (id "wt-stats-charts"); ECharts is served by the deployment itself. A click
   on a bar or a slice opens the list behind it, as the numbers in the tables do. */
(function () {
  "use strict";
  var source = document.getElementById("wt-stats-charts");
  if (!source || typeof window.echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var dark = !!document.querySelector(".wt-screen");
  var text = dark ? "#cfe3ff" : "#2b3a34";
  var palette = dark
    ? ["#3fb1e3", "#6be6c1", "#ffd166", "#f78c6b", "#a0a7e6", "#c4ebad", "#96dee8", "#ef476f"]
    : ["#1f7a57", "#3fa37c", "#7cc4a4", "#e0a43a", "#c65d3b", "#5b8db8", "#8e6bb5", "#9aa5a0"];
  var base = {
    color: palette, backgroundColor: "transparent",
    textStyle: { color: text, fontSize: dark ? 14 : 12 },
    tooltip: { trigger: "item", confine: true },
    grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true }
  };
  function axis(extra) {
    var a = { axisLabel: { color: text }, axisLine: { lineStyle: { color: text } },
              splitLine: { lineStyle: { color: dark ? "rgba(255,255,255,.12)" : "#eef1ef" } } };
    for (var k in extra) { if (Object.prototype.hasOwnProperty.call(extra, k)) { a[k] = extra[k]; } }
    return a;
  }
  function merge(extra) {
    var o = {};
    var k;
    for (k in base) { if (Object.prototype.hasOwnProperty.call(base, k)) { o[k] = base[k]; } }
    for (k in extra) { if (Object.prototype.hasOwnProperty.call(extra, k)) { o[k] = extra[k]; } }
    return o;
  }
  // A slice is named by the short part of its label ("D类（市级拔尖人才）" → "D类"): the
  // legend below pages through the long names on a narrow panel.
  function pieLabel(p) { return String(p.name).split("（")[0] + "\n" + p.percent + "%"; }
  function build(kind, d) {
    if (kind === "pie") {
      return merge({
        legend: { bottom: 0, type: "scroll", textStyle: { color: text } },
        series: [{ type: "pie", radius: ["32%", "56%"], center: ["50%", "44%"],
                   label: { color: text, formatter: pieLabel }, labelLine: { length: 6, length2: 6 },
                   data: d.labels.map(function (l, i) { return { name: l, value: d.values[i] }; }) }]
      });
    }
    if (kind === "hbar") {
      return merge({
        grid: { left: 8, right: 44, top: 8, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", confine: true },
        // Every bar carries its value: the value axis keeps its grid lines, not its labels,
        // which crowded each other on a narrow panel.
        xAxis: axis({ type: "value", axisLabel: { show: false } }),
        yAxis: axis({ type: "category", data: d.labels.slice().reverse(),
                      axisLabel: { color: text, width: 110, overflow: "truncate" } }),
        series: [{ type: "bar", data: d.values.slice().reverse(), barMaxWidth: 18,
                   label: { show: true, position: "right", color: text } }]
      });
    }
    if (kind === "intake") {
      var series = [
        { name: d.names[0], type: "bar", data: d.values, barMaxWidth: 26 },
        { name: d.names[1], type: "line", data: d.cumulative, smooth: true }
      ];
      if (d.target) {
        series[1].markLine = { symbol: "none",
                               label: { color: text, position: "insideEndTop", formatter: d.names[2] + " {c}" },
                               data: [{ yAxis: d.target }] };
      }
      return merge({
        tooltip: { trigger: "axis", confine: true },
        legend: { top: 0, textStyle: { color: text } },
        xAxis: axis({ type: "category", data: d.labels }),
        yAxis: axis({ type: "value" }),
        series: series
      });
    }
    if (kind === "funds") {
      return merge({
        tooltip: { trigger: "axis", confine: true },
        legend: { top: 0, textStyle: { color: text } },
        xAxis: axis({ type: "value" }),
        yAxis: axis({ type: "category", data: d.labels,
                      axisLabel: { color: text, width: 110, overflow: "truncate" } }),
        series: [
          { name: d.names[0], type: "bar", stack: "f", data: d.paid, barMaxWidth: 22 },
          { name: d.names[1], type: "bar", stack: "f", data: d.committed }
        ]
      });
    }
    return merge({  // "bar"
      tooltip: { trigger: "axis", confine: true },
      xAxis: axis({ type: "category", data: d.labels, axisLabel: { color: text, interval: 0,
                                                                   rotate: d.labels.length > 4 ? 30 : 0 } }),
      yAxis: axis({ type: "value" }),
      series: [{ type: "bar", data: d.values, barMaxWidth: 36,
                 label: { show: true, position: "top", color: text } }]
    });
  }
  var charts = [];
  document.querySelectorAll(".wt-chart[data-chart]").forEach(function (el) {
    var d = data[el.getAttribute("data-chart")];
    if (!d || !d.labels || !d.labels.length) { el.classList.add("d-none"); return; }
    var kind = el.getAttribute("data-kind");
    var chart = window.echarts.init(el, dark ? "dark" : null, { renderer: "canvas" });
    chart.setOption(build(kind, d));
    chart.on("click", function (p) {
      var urls = d.urls;
      var url = null;
      if (kind === "funds") { url = d.url; }
      else if (urls) {
        var i = p.dataIndex;
        if (kind === "hbar") { i = urls.length - 1 - i; }
        url = urls[i];
      }
      if (url) { window.location.href = url; }
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
}());
