// Draws the report's charts with uPlot (inlined before this script). It reads the chart
// descriptions that tools/report/chart-specs.ts prepared: values are already in the unit the axis
// label names, colours are chosen, so this script only lays out and draws.
(function () {
  'use strict';

  var CHART_HEIGHT = 260;
  var AXIS_FONT = '12px system-ui, sans-serif';
  var LABEL_FONT = 'bold 12px system-ui, sans-serif';
  var px = uPlot.pxRatio;
  var significant = new Intl.NumberFormat('en', { maximumSignificantDigits: 3 });
  var compact = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 3 });

  function formatValue(value, unit) {
    return value == null ? '–' : significant.format(value) + ' ' + unit;
  }

  // Tick labels are measured, not guessed, so neither they nor the axis label beside them get cut.
  var measureCtx = document.createElement('canvas').getContext('2d');
  var TICK_AND_GAP = 16;

  function textWidth(text, font) {
    measureCtx.font = font;
    return measureCtx.measureText(text).width;
  }

  function yAxisSize(u, values) {
    if (!values) return 40;
    var widest = Math.max.apply(null, values.map(function (v) { return v == null ? 0 : textWidth(String(v), AXIS_FONT); }));
    return Math.ceil(widest) + TICK_AND_GAP;
  }

  function yTickValues(u, splits) {
    return splits.map(function (v) { return v == null ? null : compact.format(v); });
  }

  // A rotated label needs its width times sin(angle) below the axis, plus its own height.
  function rotatedAxisSize(spec, degrees) {
    var widest = Math.max.apply(null, spec.categories.map(function (c) { return textWidth(c, AXIS_FONT); }));
    var angle = Math.abs(degrees) * Math.PI / 180;
    return Math.ceil(widest * Math.sin(angle) + 14 * Math.cos(angle)) + TICK_AND_GAP;
  }

  function axisStyle(extra) {
    var axis = { font: AXIS_FONT, labelFont: LABEL_FONT, stroke: '#333', grid: { stroke: '#eee' }, ticks: { stroke: '#ccc' } };
    for (var key in extra) axis[key] = extra[key];
    return axis;
  }

  function dataMax(spec) {
    var max = 0;
    spec.series.forEach(function (s) {
      (s.high || s.values).forEach(function (v) { if (v != null && v > max) max = v; });
    });
    return max;
  }

  // Whole decades below the smallest value and above the largest: a log axis's bars start at its
  // bottom, so a bottom just under the smallest bar would leave that bar no height.
  function decadesAround(spec) {
    return function (u, min, max) {
      if (!(min > 0)) return [1, 10];
      var bottom = Math.pow(10, Math.floor(Math.log10(min)));
      if (bottom >= min) bottom /= 10;
      return [bottom, Math.pow(10, Math.ceil(Math.log10(Math.max(max, dataMax(spec)))))];
    };
  }

  // Target names can be long; tilt them only when they would not fit side by side.
  function categoryAxisRotation(spec, width) {
    var total = spec.categories.reduce(function (sum, c) { return sum + textWidth(c, AXIS_FONT) + 12; }, 0);
    return total > width * 0.8 ? -30 : 0;
  }

  function drawVerticalLine(ctx, x, y0, y1, capHalfWidth) {
    ctx.beginPath();
    ctx.moveTo(x, y0);
    ctx.lineTo(x, y1);
    if (capHalfWidth > 0) {
      ctx.moveTo(x - capHalfWidth, y0);
      ctx.lineTo(x + capHalfWidth, y0);
      ctx.moveTo(x - capHalfWidth, y1);
      ctx.lineTo(x + capHalfWidth, y1);
    }
    ctx.stroke();
  }

  // Confidence intervals: a whisker with caps over each bar.
  function drawWhiskers(u, spec) {
    var ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = '#222';
    ctx.lineWidth = 1.5 * px;
    spec.series.forEach(function (s) {
      if (!s.low || !s.high) return;
      s.values.forEach(function (_, i) {
        if (s.low[i] == null || s.high[i] == null) return;
        var x = u.valToPos(i, 'x', true);
        drawVerticalLine(ctx, x, u.valToPos(s.low[i], 'y', true), u.valToPos(s.high[i], 'y', true), 6 * px);
      });
    });
    ctx.restore();
  }

  // Latency: a line in the target's colour from its best to its worst point, under the points.
  function drawRangeLines(u, spec) {
    var ctx = u.ctx;
    ctx.save();
    ctx.lineWidth = 3 * px;
    spec.categories.forEach(function (_, i) {
      var values = spec.series.map(function (s) { return s.values[i]; }).filter(function (v) { return v != null; });
      if (values.length < 2) return;
      ctx.strokeStyle = spec.categoryColors[i];
      var x = u.valToPos(i, 'x', true);
      drawVerticalLine(ctx, x, u.valToPos(Math.min.apply(null, values), 'y', true), u.valToPos(Math.max.apply(null, values), 'y', true), 0);
    });
    ctx.restore();
  }

  function categorySeries(spec, s) {
    var series = {
      label: s.label,
      value: function (u, v, _, i) {
        var text = formatValue(v, spec.unit);
        if (v != null && s.low && i != null) text += ' (CI ' + significant.format(s.low[i]) + '–' + significant.format(s.high[i]) + ')';
        return text;
      },
    };
    if (s.style === 'bars') {
      series.width = 0;
      series.fill = s.color;
      series.stroke = s.color;
      series.points = { show: false };
      series.paths = uPlot.paths.bars({
        size: [0.6, 90],
        disp: { fill: { unit: 3, values: function () { return spec.categoryColors; } } },
      });
    } else {
      series.stroke = s.color;
      series.fill = s.color;
      series.paths = function () { return null; };
      series.points = { show: true, size: 10, width: 1, stroke: '#fff', fill: s.color };
    }
    return series;
  }

  function categoryChart(spec, el) {
    var width = el.clientWidth;
    var indices = spec.categories.map(function (_, i) { return i; });
    var rotation = categoryAxisRotation(spec, width);
    var yScale = spec.logScale ? { distr: 3, log: 10, range: decadesAround(spec) } : { range: [0, dataMax(spec) * 1.1 || 1] };
    var opts = {
      title: spec.title,
      width: width,
      height: CHART_HEIGHT + (rotation ? rotatedAxisSize(spec, rotation) - 40 : 0),
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      // the hover legend shows values only while the cursor is on a bar: off it, its rows would be
      // dashes; a single-series chart needs no legend at all (the axis names the quantity)
      legend: { show: spec.series.length > 1, live: false },
      scales: { x: { time: false, range: [-0.5, spec.categories.length - 0.5] }, y: yScale },
      axes: [
        axisStyle({
          splits: function () { return indices; },
          values: function (u, splits) { return splits.map(function (i) { return spec.categories[i] || ''; }); },
          grid: { show: false },
          rotate: rotation,
          size: rotation ? rotatedAxisSize(spec, rotation) : 40,
        }),
        axisStyle({ label: spec.yLabel, size: yAxisSize, values: yTickValues }),
      ],
      series: [{ label: 'target', value: function (u, v) { return v == null ? '–' : spec.categories[v]; } }]
        .concat(spec.series.map(function (s) { return categorySeries(spec, s); })),
      hooks: {
        drawAxes: spec.rangeLines ? [function (u) { drawRangeLines(u, spec); }] : [],
        draw: [function (u) { drawWhiskers(u, spec); }],
      },
    };
    var data = [indices].concat(spec.series.map(function (s) { return s.values; }));
    return new uPlot(opts, data, el);
  }

  function lineChart(spec, el) {
    var opts = {
      title: spec.title,
      width: el.clientWidth,
      height: CHART_HEIGHT + 40,
      legend: { live: false },
      scales: { x: { time: false }, y: { range: function (u, min, max) { return [0, max * 1.05 || 1]; } } },
      axes: [
        axisStyle({ label: spec.xLabel, values: function (u, splits) { return splits.map(function (v) { return compact.format(v); }); } }),
        axisStyle({ label: spec.yLabel, size: yAxisSize, values: yTickValues }),
      ],
      series: [{ label: spec.xLabel, value: function (u, v) { return v == null ? '–' : significant.format(v); } }]
        .concat(spec.series.map(function (s) {
          return {
            label: s.label,
            stroke: s.color,
            width: 1.5,
            dash: s.dashed ? [6, 4] : undefined,
            spanGaps: true,
            points: { show: false },
            value: function (u, v) { return formatValue(v, spec.unit); },
          };
        })),
    };
    var data = [spec.x].concat(spec.series.map(function (s) { return s.values; }));
    return new uPlot(opts, data, el);
  }

  var charts = JSON.parse(document.getElementById('report-charts').textContent);
  document.querySelectorAll('[data-chart]').forEach(function (el) {
    var spec = charts[Number(el.getAttribute('data-chart'))];
    if (spec.kind === 'category') categoryChart(spec, el);
    else lineChart(spec, el);
  });
})();
