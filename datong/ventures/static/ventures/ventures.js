/* The cap-table pie chart of the company page, drawn with ECharts from the JSON the page embeds.
   Without JavaScript (or ECharts) the chart stays hidden and the table carries the figures. */
(function () {
  "use strict";
  var COLORS = {institution: "#1b4f9c", team: "#2e8bd8", investor: "#e0a030", other: "#8892a6", rest: "#dfe5ee"};
  var SHADES = {team: ["#2e8bd8", "#5aa5e3", "#86bfec", "#0f6fb8"], investor: ["#e0a030", "#c8822b", "#f0c37a", "#a8641c"],
    institution: ["#1b4f9c", "#3d6fb8"], other: ["#8892a6", "#a9b1c1"], rest: ["#dfe5ee"]};

  function draw() {
    var el = document.querySelector("[data-chart=cap]");
    var node = document.getElementById("vt-cap-data");
    if (!el || !node || typeof echarts === "undefined") return;
    var data = JSON.parse(node.textContent);
    if (!data.length) return;
    var used = {};
    data.forEach(function (d) {
      var shades = SHADES[d.kind] || SHADES.other;
      var i = used[d.kind] = (used[d.kind] === undefined ? 0 : used[d.kind] + 1);
      d.itemStyle = {color: shades[i % shades.length] || COLORS.other};
    });
    el.hidden = false;
    var chart = echarts.init(el);
    chart.setOption({
      animationDuration: 400,
      tooltip: {trigger: "item", formatter: function (p) { return p.name + "：" + p.value + "%"; }},
      series: [{
        type: "pie", radius: ["42%", "72%"], center: ["50%", "50%"], avoidLabelOverlap: true,
        label: {formatter: function (p) { return p.percent >= 4 ? p.value + "%" : ""; }, fontSize: 12},
        labelLine: {length: 6, length2: 6},
        data: data
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
