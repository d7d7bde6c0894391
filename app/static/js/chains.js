/* The chain map (产业链图谱): an ECharts tree of the chain's segments under
   上游 / 中游 / 下游, each coloured by its strength (缺链 red, 弱链 amber,
   强链 green). Clicking a segment loads its panel (local companies,
   projects, targets) with htmx, as the segment table's links do. The data
   comes from the element's data-chart-data attribute (no inline scripts:
   CSP); tooltips are drawn on the canvas (richText) for the same reason. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });

  var el = document.querySelector("[data-chain-map]");
  if (!el || typeof window.echarts === "undefined") { return; }
  var data;
  try { data = JSON.parse(el.getAttribute("data-chart-data")); } catch (e) { return; }

  function dress(node) {
    if (node.color) {
      node.itemStyle = { color: node.color, borderColor: node.color };
      node.label = { backgroundColor: node.color, color: node.strength === "weak" ? "#000" : "#fff", padding: [3, 6], borderRadius: 3 };
    }
    (node.children || []).forEach(dress);
    return node;
  }

  function count(node) {
    return 1 + (node.children || []).reduce(function (n, c) { return n + count(c); }, 0);
  }

  var rows = count(data);
  if (rows > 20) { el.style.height = Math.min(40 + rows * 26, 4000) + "px"; }
  var chart = window.echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    tooltip: {
      trigger: "item",
      renderMode: "richText",
      formatter: function (p) {
        var d = p.data;
        if (!d.strength) { return d.name; }
        return d.name + "（" + d.label + "）\n本地企业 " + d.local + (d.masters ? "（链主 " + d.masters + "）" : "") +
          "\n项目 " + d.projects + "，已签约 " + d.signed + "\n目标企业 " + d.targets;
      }
    },
    series: [{
      type: "tree",
      data: [dress(data)],
      orient: "LR",
      top: 16, bottom: 16, left: 90, right: 160,
      symbolSize: 10,
      initialTreeDepth: -1,
      expandAndCollapse: false,
      label: { position: "left", verticalAlign: "middle", align: "right", fontSize: 13 },
      leaves: { label: { position: "right", verticalAlign: "middle", align: "left" } },
      lineStyle: { color: "#adb5bd" }
    }]
  });
  chart.on("click", function (params) {
    var url = params.data && params.data.url;
    if (!url) { return; }
    if (window.htmx) {
      window.htmx.ajax("GET", url, { target: "#segment-panel" });
    } else {
      window.location.href = url;
    }
  });
  window.addEventListener("resize", function () { chart.resize(); });
  window.addEventListener("beforeprint", function () { chart.resize(); });
})();
