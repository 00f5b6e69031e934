// Chart images: a standalone SVG (the chart with its styles inlined, a title and the pane legend drawn
// in) and a PNG made by drawing that SVG on a canvas. The SVG's text is what "Export SVG" saves.
import type { Series } from './charts';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Presentation properties copied from the live chart, so the file looks the same without the app's CSS. */
const INLINED = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray', 'opacity', 'font-family', 'font-size', 'font-weight', 'color'];

export interface ExportLook {
  title: string;
  legend: Series[];
  /** The page behind the chart (a PNG has no transparent "app" around it). */
  background: string;
  /** The text colour (axes use currentColor). */
  color: string;
  fontFamily: string;
}

/** A copy of `svg` with each element's computed presentation written as attributes. */
export function inlineStyles(svg: SVGSVGElement): SVGSVGElement {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const view = svg.ownerDocument.defaultView;
  if (!view) return copy;
  const from = [svg, ...svg.querySelectorAll('*')];
  const to = [copy, ...copy.querySelectorAll('*')];
  from.forEach((el, i) => {
    const target = to[i];
    if (!target || el.tagName.toLowerCase() === 'style') return;
    const style = view.getComputedStyle(el);
    for (const prop of INLINED) {
      const value = style.getPropertyValue(prop);
      if (value && !target.hasAttribute(prop)) target.setAttribute(prop, value);
    }
  });
  for (const s of copy.querySelectorAll('style')) s.remove(); // Plot's class rules are inlined above
  return copy;
}

/** Legend swatches laid out in rows within `width`: [x, y] of each entry (text width estimated). */
export function legendLayout(names: string[], width: number, fontSize = 12): { x: number; y: number }[] {
  const rowHeight = fontSize + 8;
  const out: { x: number; y: number }[] = [];
  let x = 0;
  let y = 0;
  for (const name of names) {
    const w = 16 + name.length * fontSize * 0.6 + 18;
    if (x > 0 && x + w > width) {
      x = 0;
      y += rowHeight;
    }
    out.push({ x, y });
    x += w;
  }
  return out;
}

/** The chart as a standalone SVG document (title, legend, then the chart), ready for a file. */
export function standaloneSvg(svg: SVGSVGElement, look: ExportLook): string {
  const doc = svg.ownerDocument;
  const width = Number(svg.getAttribute('width')) || 640;
  const height = Number(svg.getAttribute('height')) || 400;
  const pad = 16;
  const positions = legendLayout(
    look.legend.map((s) => s.name),
    width - 2 * pad,
  );
  const legendHeight = positions.length > 0 ? positions[positions.length - 1].y + 20 : 0;
  const header = pad + 20 + 8 + legendHeight;

  const el = (name: string, attrs: Record<string, string | number>) => {
    const node = doc.createElementNS(SVG_NS, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    return node;
  };
  // No explicit xmlns: the serializer writes the namespace of a createElementNS root (twice would be invalid XML).
  const root = el('svg', { width, height: header + height + pad, viewBox: `0 0 ${width} ${header + height + pad}`, color: look.color, 'font-family': look.fontFamily });
  root.append(el('rect', { width: '100%', height: '100%', fill: look.background }));
  const title = el('text', { x: pad, y: pad + 14, 'font-size': 15, 'font-weight': 600, fill: look.color });
  title.textContent = look.title;
  root.append(title);
  look.legend.forEach((s, i) => {
    const { x, y } = positions[i];
    const top = pad + 28 + y;
    root.append(el('rect', { x: pad + x, y: top, width: 12, height: 12, rx: 2, fill: s.color }));
    const label = el('text', { x: pad + x + 16, y: top + 10, 'font-size': 12, fill: look.color });
    label.textContent = s.name;
    root.append(label);
  });
  const chart = inlineStyles(svg);
  chart.setAttribute('x', '0');
  chart.setAttribute('y', String(header));
  chart.removeAttribute('class');
  root.append(chart);
  return new XMLSerializer().serializeToString(root);
}

/** The size an exported SVG declares (for the PNG canvas). */
export function svgSize(svgText: string): { width: number; height: number } {
  const head = svgText.slice(0, svgText.indexOf('>') + 1);
  const width = Number(/\bwidth="([\d.]+)"/.exec(head)?.[1]);
  const height = Number(/\bheight="([\d.]+)"/.exec(head)?.[1]);
  return { width: width > 0 ? width : 640, height: height > 0 ? height : 400 };
}

/** Draws the SVG on a canvas at `scale`× and encodes it as PNG. Rejects with a readable reason. */
export function svgToPng(svgText: string, scale = 2): Promise<Uint8Array> {
  const { width, height } = svgSize(svgText);
  return new Promise((resolve, reject) => {
    const img = new Image();
    // A webview that never loads the image must not leave the button waiting forever.
    const timer = setTimeout(() => reject(new Error('Drawing the chart took too long. Export the SVG instead.')), 10_000);
    img.onerror = () => {
      clearTimeout(timer);
      reject(new Error('The chart could not be drawn as an image. Export the SVG instead.'));
    };
    img.onload = () => {
      clearTimeout(timer);
      const canvas = document.createElement('canvas');
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      let ctx: CanvasRenderingContext2D | null = null;
      try {
        ctx = canvas.getContext('2d');
      } catch {
        ctx = null;
      }
      if (!ctx) {
        reject(new Error('This window cannot draw on a canvas. Export the SVG instead.'));
        return;
      }
      ctx.scale(scale, scale);
      ctx.drawImage(img, 0, 0, width, height);
      canvas.toBlob((blob) => {
        if (!blob) {
          reject(new Error('The PNG could not be encoded. Export the SVG instead.'));
          return;
        }
        blob.arrayBuffer().then((buf) => resolve(new Uint8Array(buf)), reject);
      }, 'image/png');
    };
    // The CSP allows data: images; a blob: URL would need its own img-src entry.
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  });
}
