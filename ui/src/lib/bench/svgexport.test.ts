import { describe, expect, it } from 'vitest';
import { inlineStyles, legendLayout, standaloneSvg, svgSize } from './svgexport';

const NS = 'http://www.w3.org/2000/svg';

function chartSvg(): SVGSVGElement {
  const svg = document.createElementNS(NS, 'svg') as SVGSVGElement;
  svg.setAttribute('width', '300');
  svg.setAttribute('height', '200');
  svg.setAttribute('class', 'plot-x');
  const style = document.createElementNS(NS, 'style');
  style.textContent = '.plot-x { display: block }';
  const path = document.createElementNS(NS, 'path');
  path.setAttribute('d', 'M0,0L10,10');
  path.setAttribute('stroke', '#4269d0');
  path.style.strokeWidth = '2px';
  svg.append(style, path);
  document.body.append(svg);
  return svg;
}

describe('chart export', () => {
  it('lays the legend out in rows within the width', () => {
    // each entry: 16 + 5 chars × 7.2 + 18 = 70 px
    expect(legendLayout(['aaaaa', 'bbbbb', 'ccccc'], 150)).toEqual([
      { x: 0, y: 0 },
      { x: 70, y: 0 },
      { x: 0, y: 20 },
    ]);
    expect(legendLayout([], 100)).toEqual([]);
  });

  it('writes computed styles as attributes, keeps given ones, and drops <style>', () => {
    const copy = inlineStyles(chartSvg());
    expect(copy.querySelector('style')).toBeNull();
    const path = copy.querySelector('path')!;
    expect(path.getAttribute('stroke')).toBe('#4269d0');
    expect(path.getAttribute('stroke-width')).toBe('2px');
  });

  it('makes a standalone SVG with a background, the title, the legend and the chart below them', () => {
    const text = standaloneSvg(chartSvg(), {
      title: 'Cost vs latency',
      legend: [
        { pane: 0, name: 'openai/gpt-4o', color: '#4269d0' },
        { pane: 1, name: 'mock/echo', color: '#efb118' },
      ],
      background: '#161827',
      color: '#e6e7f2',
      fontFamily: 'system-ui',
    });
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const root = doc.documentElement;
    expect(root.namespaceURI).toBe(NS);
    expect(text.startsWith(`<svg xmlns="${NS}"`)).toBe(true);
    // 16 padding + 28 (title) + 20 (one legend row) = 64 above the 200 px chart, 16 below
    expect(svgSize(text)).toEqual({ width: 300, height: 280 });
    expect(root.querySelector('rect')!.getAttribute('fill')).toBe('#161827');
    expect([...root.querySelectorAll(':scope > text')].map((t) => t.textContent)).toEqual(['Cost vs latency', 'openai/gpt-4o', 'mock/echo']);
    const chart = root.querySelector(':scope > svg')!;
    expect(chart.getAttribute('y')).toBe('64');
    expect(chart.hasAttribute('class')).toBe(false);
    expect(text).not.toContain('<style');
  });

  it('reads the size an SVG declares, with a default', () => {
    expect(svgSize('<svg xmlns="x" width="552" height="440.5"><rect width="1"/></svg>')).toEqual({ width: 552, height: 440.5 });
    expect(svgSize('<svg>')).toEqual({ width: 640, height: 400 });
  });
});
