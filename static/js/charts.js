/*
 * Draws the dashboard charts with the vendored Chart.js (static/vendor/chartjs/chart.umd.min.js,
 * loaded before this file). Each <canvas data-chart="ID"> reads its spec from the JSON element
 * #ID, written by Django's json_script (see reports/dashboards/charts.py for the spec's shape).
 * No inline script and no style attribute: works under the Content Security Policy. The same
 * numbers are always in a table beside the chart, for screen readers and printing.
 */
(function () {
  "use strict";

  var locale = document.documentElement.lang || "vi";
  // A phone (375 px): shorter labels, smaller ticks and taller charts, so they stay readable.
  var narrow = window.matchMedia("(max-width: 575.98px)").matches;
  var labelLength = narrow ? 20 : 38;

  function number(value, suffix) {
    if (value === null || value === undefined) {
      return "–";
    }
    return new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value) + (suffix || "");
  }

  function config(spec) {
    var horizontal = Boolean(spec.horizontal);
    var valueAxis = horizontal ? "x" : "y";
    var categoryAxis = horizontal ? "y" : "x";
    var scales = {};
    scales[valueAxis] = {
      beginAtZero: true,
      stacked: Boolean(spec.stacked),
      ticks: {
        font: { size: narrow ? 10 : 12 },
        maxTicksLimit: narrow ? 5 : 11,
        callback: function (value) {
          return number(value, spec.suffix);
        },
      },
    };
    if (spec.max) {
      scales[valueAxis].max = spec.max;
    }
    scales[categoryAxis] = {
      stacked: Boolean(spec.stacked),
      ticks: {
        autoSkip: false,
        font: { size: narrow ? 10 : 12 },
        callback: function (value) {
          var label = this.getLabelForValue(value);
          // Long unit and domain names: the full text is in the table beside the chart.
          return label.length > labelLength ? label.slice(0, labelLength - 2) + "…" : label;
        },
      },
    };
    var many = spec.labels.length;
    return {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (series) {
          return {
            label: series.label,
            data: series.data,
            backgroundColor: series.color,
            borderColor: series.color,
            tension: 0.2,
            spanGaps: true,
            maxBarThickness: 28,
          };
        }),
      },
      options: {
        locale: locale,
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: true,
        aspectRatio: narrow
          ? horizontal
            ? Math.max(0.6, Math.min(1.2, 10 / Math.max(many, 1)))
            : 1.1
          : horizontal
            ? Math.max(0.8, Math.min(2, 16 / Math.max(many, 1)))
            : 2,
        animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : undefined,
        scales: scales,
        plugins: {
          legend: { display: spec.series.length > 1, position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (item) {
                return item.dataset.label + ": " + number(item.raw, spec.suffix);
              },
            },
          },
        },
      },
    };
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    if (!spec.labels || spec.labels.length === 0) {
      return;
    }
    new window.Chart(canvas, config(spec));
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  // Printing: let Chart.js redraw at the page's width.
  window.addEventListener("beforeprint", function () {
    Object.values(window.Chart ? window.Chart.instances : {}).forEach(function (chart) {
      chart.resize();
    });
  });
})();
