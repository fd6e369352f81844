// Draws the dashboard's charts from the JSON the page embeds (the same as /api/v1/stats/…).
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("dashboard-data").textContent);
  const t = JSON.parse(document.getElementById("dashboard-i18n").textContent);
  const charts = [];
  function draw(id, option) {
    const el = document.getElementById(id);
    if (!el) return;
    const chart = echarts.init(el);
    chart.setOption(option);
    charts.push(chart);
  }
  const grid = { left: 8, right: 16, top: 36, bottom: 8, containLabel: true };
  draw("chart-area", {
    tooltip: { trigger: "axis" }, legend: {}, grid: { ...grid, left: 48 },
    xAxis: { type: "category", data: data.by_area.map((a) => a.name), axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: t.general, type: "bar", stack: "level", data: data.by_area.map((a) => a.general) },
      { name: t.major, type: "bar", stack: "level", data: data.by_area.map((a) => a.major), itemStyle: { color: "#c0392b" } },
    ],
  });
  draw("chart-funnel", {
    tooltip: { trigger: "item" },
    series: [{ type: "funnel", sort: "none", left: "10%", width: "80%", label: { position: "inside", formatter: "{b}: {c}" },
      data: data.funnel.map((f) => ({ name: f.name, value: f.count })) }],
  });
  draw("chart-trend", {
    tooltip: { trigger: "axis" }, legend: {}, grid: grid,
    xAxis: { type: "category", data: data.trend.map((m) => m.month) },
    yAxis: [{ type: "value", max: 100 }, { type: "value", minInterval: 1 }],
    series: [
      { name: t.rate, type: "line", data: data.trend.map((m) => m.rate) },
      { name: t.overdue, type: "bar", yAxisIndex: 1, data: data.trend.map((m) => m.overdue), itemStyle: { color: "#e67e22" } },
    ],
  });
  const ranking = data.ranking.slice().reverse();
  draw("chart-ranking", {
    tooltip: { trigger: "axis" }, legend: {}, grid: grid,
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: ranking.map((r) => r.school) },
    series: [
      { name: t.open, type: "bar", data: ranking.map((r) => r.open) },
      { name: t.overdue, type: "bar", data: ranking.map((r) => r.overdue), itemStyle: { color: "#c0392b" } },
    ],
  });
  if (data.compliance.length) {
    draw("chart-compliance", {
      tooltip: { trigger: "axis" }, legend: {}, grid: grid,
      xAxis: { type: "category", data: data.compliance.map((m) => m.month) },
      yAxis: { type: "value", minInterval: 1 },
      series: data.compliance_states.map((s) => ({ name: s.name, type: "bar", stack: "all",
        data: data.compliance.map((m) => m[s.code]) })),
    });
  }
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
