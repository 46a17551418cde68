// The books page's chart: the trust liability at the end of each day (uPlot), from the page's #trust-series.
(() => {
  'use strict';
  const data = document.getElementById('trust-series');
  const chart = document.getElementById('trust-chart');
  if (!data || !chart || !window.uPlot) return;
  const series = JSON.parse(data.textContent);
  const xs = series.map((p) => Date.parse(`${p.date}T00:00:00+08:00`) / 1000);
  // Whole TWD from decimal strings: a trust balance fits a double exactly far beyond any real one.
  const ys = series.map((p) => Number(p.liability));
  const width = () => Math.max(320, chart.clientWidth);
  const plot = new window.uPlot(
    {
      width: width(),
      height: 240,
      tzDate: (ts) => window.uPlot.tzDate(new Date(ts * 1000), 'Asia/Taipei'),
      series: [{}, { label: 'NT$', stroke: '#7a3fa8', fill: 'rgba(122,63,168,0.12)' }],
      axes: [{}, { size: 90 }],
    },
    [xs, ys],
    chart,
  );
  addEventListener('resize', () => plot.setSize({ width: width(), height: 240 }));
})();
