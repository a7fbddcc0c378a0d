// The dashboard's two charts; the numbers come from json_script blocks (no inline script under the CSP).
(function () {
  "use strict";
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  var SECTOR_COLORS = { government: "#c8102e", school: "#1f6feb", enterprise: "#d97706", social: "#15803d", other: "#6b7280" };

  function drawTrends() {
  var trends = data("trend-data");
  var trendEl = document.getElementById("trend-chart");
  if (trends && trendEl && window.echarts && !echarts.getInstanceByDom(trendEl)) {
    var chart = echarts.init(trendEl);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 40, right: 16, top: 40, bottom: 28 },
      xAxis: { type: "category", data: trends.months },
      yAxis: { type: "value", minInterval: 1 },
      series: trends.series.map(function (s) { return { name: s.label, type: "line", smooth: true, data: s.values }; })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  }

  function drawNetwork() {
  var network = data("network-data");
  var netEl = document.getElementById("network-chart");
  if (network && netEl && window.echarts && !echarts.getInstanceByDom(netEl)) {
    var graph = echarts.init(netEl);
    var maxDegree = Math.max.apply(null, [1].concat(network.nodes.map(function (n) { return n.degree; })));
    graph.setOption({
      tooltip: { formatter: function (p) { return p.dataType === "edge" ? p.data.label : p.data.name + "（" + p.data.degree + "）"; } },
      series: [{
        type: "graph",
        layout: "force",
        roam: true,
        draggable: true,
        force: { repulsion: 120, edgeLength: [40, 140] },
        label: { show: network.nodes.length <= 40, position: "right", fontSize: 11 },
        data: network.nodes.map(function (n) {
          return {
            id: n.id, name: n.name, degree: n.degree, uuid: n.uuid,
            symbolSize: 8 + 22 * Math.sqrt(n.degree / maxDegree),
            itemStyle: { color: SECTOR_COLORS[n.sector] || "#6b7280", opacity: n.in_scope ? 1 : 0.55 }
          };
        }),
        links: network.edges.map(function (e) {
          var parts = Object.keys(e.kinds).map(function (k) { return k + "×" + e.kinds[k]; });
          return { source: e.source, target: e.target, label: parts.join(" "), lineStyle: { width: Math.min(1 + e.weight, 6), opacity: 0.5 } };
        })
      }]
    });
    window.addEventListener("resize", function () { graph.resize(); });
  }
  }

  // The chart sections arrive by HTMX after the page; draw each once its data is in the page.
  function draw() { drawTrends(); drawNetwork(); }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:load", draw);
})();
