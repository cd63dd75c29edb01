/** The squarified layout (Bruls, Huizing, van Wijk). */

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Lays out `weights` (largest first, all > 0) in `r`; each rect's area is its share of r's area. */
export function squarify(weights: readonly number[], r: Rect): Rect[] {
  const out: Rect[] = [];
  const total = weights.reduce((a, w) => a + w, 0);
  if (total <= 0 || r.w <= 0 || r.h <= 0) return weights.map(() => ({ x: r.x, y: r.y, w: 0, h: 0 }));
  const scale = (r.w * r.h) / total;
  const areas = weights.map((w) => w * scale);
  let { x, y, w, h } = r;
  let i = 0;
  const worst = (sum: number, min: number, max: number, side: number): number => Math.max((side * side * max) / (sum * sum), (sum * sum) / (side * side * min));
  while (i < areas.length) {
    const side = Math.min(w, h);
    let sum = areas[i]!;
    let min = sum;
    let max = sum;
    let j = i + 1;
    let current = worst(sum, min, max, side);
    while (j < areas.length) {
      const a = areas[j]!;
      const next = worst(sum + a, Math.min(min, a), Math.max(max, a), side);
      if (next > current) break;
      sum += a;
      min = Math.min(min, a);
      max = Math.max(max, a);
      current = next;
      j++;
    }
    const last = j >= areas.length;
    if (w >= h) {
      const rowW = last ? w : sum / h;
      let yy = y;
      for (let k = i; k < j; k++) {
        const hh = k === j - 1 ? y + h - yy : areas[k]! / rowW;
        out.push({ x, y: yy, w: rowW, h: hh });
        yy += hh;
      }
      x += rowW;
      w -= rowW;
    } else {
      const rowH = last ? h : sum / w;
      let xx = x;
      for (let k = i; k < j; k++) {
        const ww = k === j - 1 ? x + w - xx : areas[k]! / rowH;
        out.push({ x: xx, y, w: ww, h: rowH });
        xx += ww;
      }
      y += rowH;
      h -= rowH;
    }
    i = j;
  }
  return out;
}
