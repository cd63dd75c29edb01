/**
 * The progress line on a terminal's stderr: what is being read, how much of what the read will
 * handle (the file's size; once the reader knows which blobs it needs, their bytes — other
 * platforms' layers are never read, so they are not counted as left), the layers done, and the
 * rate. Redrawn at most five times a second; cleared when the read ends.
 */
import { statSync } from 'node:fs';
import type { ReadPhase } from '../archive/contents.js';
import { human } from '../render/units.js';
import { messageLine } from './messages.js';

export interface ProgressLine {
  readonly onProgress: (bytes: number) => void;
  readonly onPhase: (phase: ReadPhase) => void;
  /** Clears the line (when one was drawn). */
  end(): void;
}

export function progressLine(stderr: { write(s: string): unknown }, label: string, path: string | undefined, now: () => number = Date.now): ProgressLine {
  let total = 0;
  if (path !== undefined) {
    try {
      const st = statSync(path);
      if (st.isFile()) total = st.size;
    } catch {
      /* the read reports it */
    }
  }
  const started = now();
  let phase: ReadPhase | undefined;
  let bytes = 0;
  let shown = 0;
  const draw = (force = false): void => {
    const t = now();
    if (!force && t - shown < 200) return;
    shown = t;
    const of = phase?.bytes || total;
    const parts = [of > 0 ? `${human(Math.min(bytes, of))} of ${human(of)} (${Math.min(100, Math.floor((100 * bytes) / of))}%)` : human(bytes)];
    if (phase && phase.of > 0) parts.push(`layers ${phase.done} of ${phase.of} done`);
    const seconds = (t - started) / 1000;
    if (seconds >= 1) parts.push(`${human(bytes / seconds)}/s`);
    stderr.write(`\r${messageLine(`imgsize: reading ${label}: ${parts.join(', ')}`)}\u001b[K`);
  };
  return {
    onProgress: (n) => {
      bytes = n;
      draw();
    },
    onPhase: (p) => {
      phase = p;
      draw(p.done === p.of);
    },
    end: () => {
      if (shown > 0) stderr.write('\r\u001b[K');
    },
  };
}
