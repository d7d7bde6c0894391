/* Report charts: each element with data-chart="funnel|bar|lights|line" is drawn
   with ECharts from the JSON in its data-chart-data attribute.
   The numbers are in the HTML tables too, so pages read fine without this.
   Loaded as a static file (no inline scripts: CSP). Tooltips are drawn on
   the canvas (renderMode "richText"): ECharts' HTML tooltips carry inline
   style attributes, which the CSP (style-src 'self') refuses. */
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") { return; }

  var palette = ["#9e1b1b", "#d4a017", "#2f6f9f", "#5b8c5a", "#8c5a9e", "#c0703a"];
  var lightColors = ["#dc3545", "#ffc107", "#198754"];

  function readData(el) {
    try { return JSON.parse(el.getAttribute("data-chart-data")); } catch (e) { return null; }
  }

  function funnelOption(d) {
    var items = d.steps.map(function (name, i) { return { name: name, value: d.counts[i] }; });
    var max = Math.max.apply(null, d.counts.concat([1]));
    return {
      color: palette,
      tooltip: { trigger: "item", renderMode: "richText", formatter: "{b}: {c}" },
      series: [{
        type: "funnel", sort: "none", min: 0, max: max, minSize: "8%", gap: 2,
        left: "10%", width: "80%",
        label: { show: true, position: "inside", formatter: "{b} {c}", color: "#fff" },
        data: items
      }]
    };
  }

  function barOption(d) {
    var horizontal = !!d.horizontal;
    var twoAxes = d.series.some(function (s) { return s.axis === 1; });
    var valueAxis = twoAxes ? [{ type: "value" }, { type: "value" }] : { type: "value" };
    var categoryAxis = { type: "category", data: d.categories, axisLabel: { interval: 0, rotate: horizontal ? 0 : (d.categories.length > 6 ? 40 : 0) } };
    return {
      color: palette,
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0 },
      // Room above the plot for the legend and the labels over the tallest bars.
      grid: { left: 8, right: 16, bottom: 8, top: 48, containLabel: true },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? (function () { var a = categoryAxis; a.inverse = true; a.axisLabel = { interval: 0 }; return a; })() : valueAxis,
      series: d.series.map(function (s) {
        var out = { name: s.name, type: "bar", data: s.data, label: { show: d.categories.length <= 12, position: horizontal ? "right" : "top" } };
        if (twoAxes && s.axis === 1) { out.yAxisIndex = 1; }
        return out;
      })
    };
  }

  function lightsOption(d) {
    return {
      color: lightColors,
      tooltip: { trigger: "item", renderMode: "richText", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0 },
      series: [{
        type: "pie", radius: ["40%", "70%"],
        label: { formatter: "{b} {c}" },
        data: d.labels.map(function (name, i) { return { name: name, value: d.data[i] }; })
      }]
    };
  }

  // Lines over months (e.g. cumulative investment against the schedule):
  // the first series solid, the others dashed.
  function lineOption(d) {
    return {
      color: palette,
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 48, containLabel: true },
      xAxis: { type: "category", data: d.categories, boundaryGap: false },
      yAxis: { type: "value" },
      series: d.series.map(function (s, i) {
        return {
          name: s.name, type: "line", data: s.data, symbolSize: 6,
          lineStyle: { type: i === 0 ? "solid" : "dashed" },
          label: { show: d.categories.length <= 12 && i === 0, position: "top" }
        };
      })
    };
  }

  var builders = { funnel: funnelOption, bar: barOption, lights: lightsOption, line: lineOption };
  var charts = [];

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var data = readData(el);
    var build = builders[el.getAttribute("data-chart")];
    if (!data || !build) { return; }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(build(data));
    charts.push(chart);
  });

  function resizeAll() { charts.forEach(function (c) { c.resize(); }); }
  window.addEventListener("resize", resizeAll);
  // Charts are sized for the screen; fit them to the A4 page before printing.
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });
})();
