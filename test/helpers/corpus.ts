/** Where the conformance corpus is, and its cases (../shared/corpus beside the project). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const CORPUS = path.resolve(__dirname, '../../../shared/corpus');
export const present = existsSync(path.join(CORPUS, 'corpus.json'));

export interface Case {
  file: string;
  expect: 'ok' | 'error' | 'error-or-warn' | 'error-or-ok';
  args: string[];
  truth?: string;
  notes: string;
}

export function corpusCases(): Case[] {
  return JSON.parse(readFileSync(path.join(CORPUS, 'corpus.json'), 'utf8')) as Case[];
}
