/** The treemap on the page, for the test hook (viewer.ts). */
import type { Treemap } from './treemap.js';

export const current: { map: Treemap | null } = { map: null };
