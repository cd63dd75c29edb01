import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readImage, type ReadImageOptions } from '../../src/source/read.js';
import type { DecoderChoice } from '../../src/layer/decoder.js';
import { buildReport, type Report } from '../../src/analysis/report.js';
import type { ImageModel } from '../../src/model.js';

export async function* chunks(buf: Buffer, size = 4096): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

export interface InspectOpts {
  platform?: string;
  image?: string;
  verify?: boolean;
  chunk?: number;
  /** Which decoders the layer module may use (as IMGSIZE_DECODER tells the CLI). */
  decoder?: DecoderChoice;
  /** Output bytes past which the bomb rule applies (default 1 GiB): tests of the rule use less. */
  ratioFloor?: number;
}

function readOptions(o: InspectOpts): ReadImageOptions {
  return {
    verify: o.verify ?? true,
    ...(o.platform ? { platform: o.platform } : {}),
    ...(o.image ? { image: o.image } : {}),
    ...(o.decoder || o.ratioFloor ? { scan: { ...(o.decoder ? { decoder: o.decoder } : {}), ...(o.ratioFloor ? { ratioFloor: o.ratioFloor } : {}) } } : {}),
  };
}

export async function model(archive: Buffer, o: InspectOpts = {}): Promise<ImageModel> {
  return readImage({ stream: chunks(archive, o.chunk), label: 'test.tar' }, readOptions(o));
}

export async function inspect(archive: Buffer, o: InspectOpts = {}): Promise<Report> {
  return buildReport(await model(archive, o));
}

export type Via = 'stream' | 'file';

/** `inspect`, reading the archive from a stream or from a temporary file (random access). */
export function inspector(via: Via): (archive: Buffer, o?: InspectOpts) => Promise<Report> {
  if (via === 'stream') return inspect;
  return async (archive, o = {}) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'imgsize-test-'));
    const file = path.join(dir, 'test.tar');
    writeFileSync(file, archive);
    try {
      return buildReport(await readImage({ path: file, label: 'test.tar' }, readOptions(o)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
