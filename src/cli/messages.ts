/**
 * The one path by which a message reaches stderr. Notices, warnings, errors and hints carry text
 * an image or a registry chose (tags, platforms, a registry's own error message): each line is made
 * visible as on the terminal (ESC, OSC, CR and newlines shown as `\xNN`, so an image can neither
 * paint the terminal nor add an `imgsize:` line or a GitHub workflow command such as `::error::`
 * or `::stop-commands::` — those are read only at the start of a line) and cut to a length a
 * person reads. Only the progress line and the GitHub annotations (escaped by render/github.ts)
 * are written around it.
 */
import { visible } from '../render/escape.js';

/** Longer message lines are cut, with a count of what was left out. */
export const MAX_MESSAGE_CHARS = 2_000;

/** One line of a message, escaped and cut (no newline). */
export function messageLine(text: string): string {
  const v = visible(text);
  return v.length <= MAX_MESSAGE_CHARS ? v : `${v.slice(0, MAX_MESSAGE_CHARS)}… (${(v.length - MAX_MESSAGE_CHARS).toLocaleString('en-US')} more characters)`;
}

export interface Messages {
  /** Writes one message line: `imgsize: …` or `hint: …`. */
  say(line: string): void;
  /** Several lines (commander's usage text, a stack trace): each one said on its own. */
  sayLines(text: string): void;
}

export function messages(stderr: { write(s: string): unknown }): Messages {
  const say = (line: string): void => void stderr.write(`${messageLine(line)}\n`);
  return {
    say,
    sayLines: (text) => {
      for (const line of text.replace(/\n$/, '').split('\n')) say(line);
    },
  };
}
