/* Charts of the dashboards, drawn with ECharts from the JSON each page embeds. Without
   JavaScript (or ECharts) the charts stay hidden and the tables carry the figures. */
(function () {
  "use strict";
  var COLORS = ["#1b4f9c", "#2e8bd8", "#1f8a4c", "#e0a030", "#c8322b", "#7b3fb8", "#0f766e", "#8892a6"];
  var charts = [];

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function english() {
    return (document.documentElement.lang || "").toLowerCase().indexOf("en") === 0;
  }

  function money(value) {
    value = Number(value);
    if (english()) {
      if (Math.abs(value) >= 1e6) return "¥" + (value / 1e6).toFixed(1) + "M";
      if (Math.abs(value) >= 1e3) return "¥" + Math.round(value / 1e3) + "k";
      return "¥" + value;
    }
    if (Math.abs(value) >= 1e8) return (value / 1e8).toLocaleString("zh-CN", {maximumFractionDigits: 2}) + "亿";
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
    var chart = echarts.init(el);
    charts.push(chart);
    return chart;
  }

  function column(table, key) {
    return table.rows.map(function (row) { return Number(row.values[key] || 0); });
  }

  function label(table, key) {
    for (var i = 0; i < table.columns.length; i++) if (table.columns[i].key === key) return table.columns[i].label;
    return key;
  }

  function funnel(stages) {
    var chart = init("funnel");
    if (!chart) return;
    chart.setOption({animationDuration: 400, color: COLORS,
      tooltip: {trigger: "item", formatter: "{b}: {c}"},
      series: [{type: "funnel", sort: "none", left: "8%", width: "84%", top: 8, bottom: 8, gap: 3, minSize: "16%",
        label: {position: "inside", formatter: "{b}  {c}", color: "#fff", fontSize: 13},
        data: stages.map(function (s) { return {name: s.label, value: s.value}; })}]
    });
  }

  function years(table) {
    var cats = table.rows.map(function (r) { return r.label; });
    var money1 = init("years-money");
    if (money1) {
      money1.setOption({animationDuration: 400, color: ["#1b4f9c", "#1f8a4c", "#e0a030"],
        tooltip: {trigger: "axis", valueFormatter: full}, legend: {bottom: 0},
        grid: {left: 10, right: 16, top: 16, bottom: 40, containLabel: true},
        xAxis: {type: "category", data: cats}, yAxis: {type: "value", axisLabel: {formatter: money}},
        series: [
          {name: label(table, "contract_amount"), type: "bar", barMaxWidth: 28, data: column(table, "contract_amount")},
          {name: label(table, "received"), type: "bar", barMaxWidth: 28, data: column(table, "received")},
          {name: label(table, "reward_cash"), type: "line", data: column(table, "reward_cash")}
        ]});
    }
    var counts = init("years-counts");
    if (counts) {
      var keys = ["disclosures", "filings", "listings", "cases", "deals", "companies"];
      counts.setOption({animationDuration: 400, color: COLORS,
        tooltip: {trigger: "axis"}, legend: {bottom: 0, type: "scroll"},
        grid: {left: 10, right: 16, top: 16, bottom: 40, containLabel: true},
        xAxis: {type: "category", data: cats}, yAxis: {type: "value", minInterval: 1},
        series: keys.map(function (k) { return {name: label(table, k), type: "line", smooth: true, data: column(table, k)}; })});
    }
  }

  function bars(key, table, keys, moneyAxis, horizontal) {
    if (!table.rows.length) return;
    var el = document.querySelector('[data-chart="' + key + '"]');
    if (el && horizontal) el.style.height = Math.max(200, table.rows.length * 34 + 70) + "px";
    var chart = init(key);
    if (!chart) return;
    var category = {type: "category", data: table.rows.map(function (r) { return r.label; }),
      axisLabel: {interval: 0, width: horizontal ? 180 : 90, overflow: "truncate"}};
    var value = {type: "value", axisLabel: moneyAxis ? {formatter: money} : {}, minInterval: moneyAxis ? 0 : 1};
    chart.setOption({animationDuration: 400, color: COLORS,
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, valueFormatter: moneyAxis ? full : undefined},
      legend: keys.length > 1 ? {bottom: 0} : undefined,
      grid: {left: 10, right: 24, top: 12, bottom: keys.length > 1 ? 40 : 10, containLabel: true},
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign(category, {inverse: true}) : value,
      series: keys.map(function (k) { return {name: label(table, k), type: "bar", barMaxWidth: 26, data: column(table, k)}; })
    });
  }

  function provinceMap(table) {
    var el = document.querySelector('[data-chart="map"]');
    if (!el) return;
    fetch(el.getAttribute("data-geo")).then(function (r) { return r.json(); }).then(function (geo) {
      echarts.registerMap("china", geo);
      var chart = init("map");
      var rows = table.rows.filter(function (r) { return r.key !== "?"; });
      function draw(metric) {
        var values = rows.map(function (r) { return Number(r.values[metric] || 0); });
        var max = Math.max.apply(null, values.concat([1]));
        chart.setOption({animationDuration: 300,
          tooltip: {trigger: "item", formatter: function (p) {
            var d = p.data;
            if (!d) return p.name;
            return d.title + "<br>" + label(table, "deals") + ": " + d.deals + "<br>" + label(table, "contract_amount") + ": " + full(d.amount) +
              "<br>" + label(table, "companies") + ": " + d.companies;
          }},
          visualMap: {min: 0, max: max, left: 8, bottom: 8, calculable: true, itemHeight: 90,
            inRange: {color: ["#e8f0fc", "#2e8bd8", "#10284d"]}},
          series: [{type: "map", map: "china", nameProperty: "id", roam: false, top: 10, bottom: 10,
            label: {show: false}, emphasis: {label: {show: false}, itemStyle: {areaColor: "#e0a030"}},
            itemStyle: {borderColor: "#9aa7bd", areaColor: "#f4f6fa"},
            data: rows.map(function (r) {
              return {name: r.key, title: r.label, value: Number(r.values[metric] || 0), deals: r.values.deals,
                amount: r.values.contract_amount, companies: r.values.companies};
            })}]
        }, {replaceMerge: ["series"]});
      }
      draw("deals");
      document.querySelectorAll("[data-map]").forEach(function (button) {
        button.addEventListener("click", function () {
          document.querySelectorAll("[data-map]").forEach(function (b) { b.classList.toggle("chip-strong", b === button); });
          draw(button.getAttribute("data-map"));
        });
      });
    });
  }

  function institution(data) {
    funnel(data.funnel);
    years(data.tables.by_year);
    bars("types", data.tables.contracts_by_type, ["contract_amount", "received"], true, false);
    bars("rewards", data.tables.rewards_by_kind, ["amount"], true, false);
    bars("industry", data.tables.by_industry, ["deals", "listings", "disclosures", "companies"], false, true);
    provinceMap(data.tables.by_region);
  }

  function alliance(data) {
    var select = document.getElementById("db-metric");
    var chart = init("compare");
    if (!chart) return;
    function draw(key) {
      var metric = data.metrics.filter(function (m) { return m.key === key; })[0];
      var isMoney = metric.unit === "yuan";
      var median = Number(data.medians[key]);
      chart.setOption({animationDuration: 300, color: ["#2e8bd8"],
        tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, valueFormatter: isMoney ? full : undefined},
        grid: {left: 10, right: 40, top: 10, bottom: 10, containLabel: true},
        xAxis: {type: "value", axisLabel: isMoney ? {formatter: money} : {}},
        yAxis: {type: "category", inverse: true, data: data.members, axisLabel: {width: 180, overflow: "truncate"}},
        series: [{name: metric.label, type: "bar", barMaxWidth: 22,
          data: data.values[key].map(function (v) {
            v = Number(v);
            return {value: v, itemStyle: {color: v > median ? "#1f8a4c" : v < median ? "#c8322b" : "#8892a6"}};
          }),
          markLine: {symbol: "none", lineStyle: {color: "#e0a030", width: 2, type: "dashed"},
            label: {formatter: (english() ? "median " : "中位数 ") + (isMoney ? money(median) : median)},
            data: [{xAxis: median}]}}]
      }, {replaceMerge: ["series"]});
    }
    var el = document.querySelector('[data-chart="compare"]');
    el.style.height = Math.max(220, data.members.length * 32 + 40) + "px";
    chart.resize();
    draw(select ? select.value : data.metrics[0].key);
    if (select) select.addEventListener("change", function () { draw(select.value); });
  }

  function agreement(data) {
    var chart = init("agreement");
    if (!chart) return;
    var labels = read("db-labels") || {};
    chart.setOption({animationDuration: 400, color: ["#1b4f9c", "#e0a030", "#1f8a4c"],
      tooltip: {trigger: "axis"}, legend: {bottom: 0},
      grid: {left: 10, right: 10, top: 20, bottom: 40, containLabel: true},
      xAxis: {type: "category", data: data.years},
      yAxis: [{type: "value", minInterval: 1}, {type: "value", axisLabel: {formatter: money}}],
      series: [
        {name: labels.projects, type: "bar", barMaxWidth: 28, data: data.projects},
        {name: labels.amount, type: "line", yAxisIndex: 1, data: data.amounts.map(Number), tooltip: {valueFormatter: full}},
        {name: labels.cumulative, type: "line", step: "end", data: data.cumulative}
      ]});
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.echarts) return;
    var data = read("db-data");
    if (!data) return;
    if (data.tables) institution(data);
    else if (data.members) alliance(data);
    else if (data.years) agreement(data);
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  });
})();
