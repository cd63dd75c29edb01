/** The corpus compressed as a whole with zstd: see helpers/corpus-compressed.ts. */
import { compressedCorpusSuite } from '../helpers/corpus-compressed.js';

compressedCorpusSuite('zstd');
