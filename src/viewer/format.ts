/** Figures on the page, as the CLI writes them: render/units.ts's formatter (pretty-bytes, SI units), one copy. */
import { human, signedHuman } from '../render/units.js';

export { human };
export const signed = signedHuman;
export const exact = (bytes: number): string => `${bytes.toLocaleString('en-US')} bytes`;
export const count = (n: number): string => n.toLocaleString('en-US');
