/** The corpus compressed as a whole with gzip (`docker save | gzip`): see helpers/corpus-compressed.ts. */
import { compressedCorpusSuite } from '../helpers/corpus-compressed.js';

compressedCorpusSuite('gzip');
