/* Charts of the programme figures page, drawn with ECharts from the JSON the page embeds.
   Without JavaScript (or ECharts) the charts stay hidden and the tables carry the figures. */
(function () {
  "use strict";
  var COLORS = ["#1b4f9c", "#2e8bd8", "#1f8a4c", "#e0a030", "#c8322b", "#7b3fb8", "#0f766e", "#8892a6"];

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function english() {
    return (document.documentElement.lang || "").toLowerCase().indexOf("en") === 0;
  }

  function money(value) {
    if (english()) {
      if (Math.abs(value) >= 1e6) return "¥" + (value / 1e6).toFixed(value % 1e6 ? 1 : 0) + "M";
      if (Math.abs(value) >= 1e3) return "¥" + Math.round(value / 1e3) + "k";
      return "¥" + value;
    }
    if (Math.abs(value) >= 1e4) return (value / 1e4).toLocaleString("zh-CN", {maximumFractionDigits: 1}) + "万";
    return String(value);
  }

  function full(value) {
    return "¥" + Number(value).toLocaleString(english() ? "en-US" : "zh-CN");
  }

  function init(key) {
    var el = document.querySelector('[data-chart="' + key + '"]');
    if (!el) return null;
    el.hidden = false;
    return echarts.init(el);
  }

  function funnel(data) {
    var chart = init("funnel");
    if (!chart) return null;
    chart.setOption({animationDuration: 400, 
      color: COLORS,
      tooltip: {trigger: "item", formatter: "{b}: {c}"},
      series: [{type: "funnel", sort: "none", left: "8%", width: "84%", top: 10, bottom: 10, gap: 3, minSize: "18%",
        label: {position: "inside", formatter: "{b}  {c}", color: "#fff", fontSize: 13},
        data: data}]
    });
    return chart;
  }

  function moneyChart(data, labels) {
    var chart = init("money");
    if (!chart) return null;
    var keys = ["committed", "released", "spent", "remaining"];
    chart.setOption({animationDuration: 400, 
      color: ["#1b4f9c", "#2e8bd8", "#e0a030", "#1f8a4c"],
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, valueFormatter: full},
      legend: {bottom: 0},
      grid: {left: 10, right: 16, top: 16, bottom: 44, containLabel: true},
      xAxis: {type: "category", data: data.lines, axisLabel: {interval: 0, width: 120, overflow: "truncate"}},
      yAxis: {type: "value", axisLabel: {formatter: money}},
      series: keys.map(function (key) {
        return {name: labels[key], type: "bar", barMaxWidth: 34, data: data.series[key]};
      })
    });
    return chart;
  }

  function stages(data) {
    var chart = init("stages");
    if (!chart) return null;
    chart.setOption({animationDuration: 400, 
      color: ["#2e8bd8", "#7b3fb8", "#e0a030", "#1f8a4c", "#c8322b"],
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      legend: {bottom: 0, type: "scroll"},
      grid: {left: 10, right: 16, top: 16, bottom: 44, containLabel: true},
      xAxis: {type: "category", data: data.names.map(function (n) { return n.split(" (")[0].split("（")[0]; })},
      yAxis: {type: "value", minInterval: 1},
      series: data.states.map(function (state, i) {
        return {name: state, type: "bar", stack: "projects", barMaxWidth: 48,
          data: data.values.map(function (row) { return row[i]; })};
      })
    });
    return chart;
  }

  function bars(key, items, horizontal) {
    var el = document.querySelector('[data-chart="' + key + '"]');
    if (el && horizontal) el.style.height = Math.max(170, items.length * 58 + 50) + "px";
    var chart = init(key);
    if (!chart) return null;
    var names = items.map(function (i) { return i.name; });
    var values = items.map(function (i) { return i.value; });
    var category = {type: "category", data: names, axisLabel: {interval: 0, width: horizontal ? 190 : 80, overflow: "break"}};
    var value = {type: "value", minInterval: 1};
    chart.setOption({animationDuration: 400, 
      color: [key === "landed" ? "#0f766e" : "#1b4f9c"],
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      grid: {left: 10, right: 30, top: 10, bottom: 10, containLabel: true},
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign(category, {inverse: true}) : value,
      series: [{type: "bar", barMaxWidth: 30, data: values, label: {show: true, position: horizontal ? "right" : "top"}}]
    });
    return chart;
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.echarts) return;
    var data = read("ov-data");
    var labels = read("ov-labels") || {};
    if (!data) return;
    var charts = [
      funnel(data.funnel),
      moneyChart(data.money, labels),
      stages(data.stages),
      bars("outcomes", data.outcomes, true),
      bars("landed", data.landed, true)
    ].filter(Boolean);
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  });
})();
