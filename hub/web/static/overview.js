// The overview's charts, drawn with the hub's own copy of Apache ECharts (vendor/echarts).
// The data is the page's JSON block; tooltips render inside the canvas (no inline styles,
// so the pages' content policy holds); the charts follow the window's width.
(function () {
  "use strict";
  var block = document.getElementById("overview-trends");
  if (!block || typeof echarts === "undefined") { return; }
  var data = JSON.parse(block.textContent);
  var charts = [];
  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = echarts.init(el, null, {renderer: "canvas"});
    chart.setOption(option);
    charts.push(chart);
  }
  var grid = {left: 40, right: 12, top: 56, bottom: 28, containLabel: true};
  var tooltip = {trigger: "axis", renderMode: "richText"};
  var received = data.received;
  draw("chart-received", {
    title: {text: "近 30 天收到的线索（按渠道）", textStyle: {fontSize: 14}},
    tooltip: tooltip, grid: grid,
    legend: {type: "scroll", top: 24},
    xAxis: {type: "category", data: received.days.map(function (d) { return d.slice(5); })},
    yAxis: {type: "value", minInterval: 1},
    series: received.series.map(function (s) {
      return {name: s.name, type: "bar", stack: "received", data: s.data};
    })
  });
  if (data.handoffs) {
    draw("chart-handoffs", {
      title: {text: "近 8 周移交：销号与逾期未办结", textStyle: {fontSize: 14}},
      tooltip: tooltip, grid: grid,
      legend: {top: 24},
      xAxis: {type: "category", data: data.handoffs.weeks},
      yAxis: {type: "value", minInterval: 1},
      series: [
        {name: "销号", type: "bar", data: data.handoffs.closed, itemStyle: {color: "#1a7f37"}},
        {name: "逾期未办结", type: "line", data: data.handoffs.overdue, itemStyle: {color: "#cf222e"}}
      ]
    });
  }
  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) { clearTimeout(pending); }
    pending = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 100);
  });
}());
