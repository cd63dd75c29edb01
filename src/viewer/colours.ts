/** Colours: Okabe–Ito (told apart with the common colour-vision deficiencies), patterns past 8. */

export const PALETTE = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#8C8C8C'];
export const GREW = '#D55E00';
export const SHRANK = '#0072B2';
export const SAME = '#BDBDBD';
export const NONE = '#D9D9D9';

export function darkText(hex: string): boolean {
  const n = Number.parseInt(hex.slice(1), 16);
  const lum = (0.299 * ((n >> 16) & 255) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255)) / 255;
  return lum > 0.55;
}

/** A fill: a colour, and past the palette's 8 a stripe or dot pattern over it. */
export function makeFill(ctx: CanvasRenderingContext2D, colour: string, pattern: number): string | CanvasPattern {
  if (pattern === 0) return colour;
  const c = document.createElement('canvas');
  c.width = 8;
  c.height = 8;
  const g = c.getContext('2d')!;
  g.fillStyle = colour;
  g.fillRect(0, 0, 8, 8);
  g.fillStyle = 'rgba(255,255,255,0.55)';
  if (pattern === 1) {
    g.beginPath();
    g.moveTo(0, 8);
    g.lineTo(8, 0);
    g.lineTo(8, 3);
    g.lineTo(3, 8);
    g.closePath();
    g.moveTo(0, 0);
    g.lineTo(0, 3);
    g.lineTo(3, 0);
    g.closePath();
    g.fill();
  } else {
    g.fillRect(1, 1, 3, 3);
    g.fillRect(5, 5, 2, 2);
  }
  return ctx.createPattern(c, 'repeat') ?? colour;
}
