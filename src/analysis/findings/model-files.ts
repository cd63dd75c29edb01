import { lookup } from '../squash.js';
import { MODEL_FILE_MIN_BYTES } from './thresholds.js';
import { byBytes, fileItem, PKG_DIR, type FinalFile, type FindingDefinition } from './types.js';

/** Extensions of model weights and data files (PyTorch, pickle/joblib, NumPy, Keras/HDF5, ONNX, safetensors, GGUF/GGML, TFLite). */
export const MODEL_EXTENSIONS: ReadonlySet<string> = new Set([
  '.pt',
  '.pth',
  '.pkl',
  '.pickle',
  '.npy',
  '.npz',
  '.h5',
  '.hdf5',
  '.onnx',
  '.safetensors',
  '.ckpt',
  '.joblib',
  '.gguf',
  '.ggml',
  '.tflite',
  '.keras',
]);

const BY_EXTENSION = new RegExp(`(${[...MODEL_EXTENSIONS].map((e) => `\\${e}`).join('|')}|\\.bin\\.gz)$`, 'i');
/** A TensorFlow SavedModel: its graph and its variables. */
const SAVED_MODEL = /(^|\/)saved_model\.pbt?$|\/variables\/variables\.(index|data-\d+-of-\d+)$/i;
/** What models are downloaded into at build time: the Hugging Face and torch.hub caches. */
const MODEL_CACHE = /(^|\/)\.cache\/(huggingface|torch)\//;
/** Weights named .bin: a model only beside a Hugging Face config.json (else any binary). */
const BIN = /\.bin$/i;

function isModel(f: FinalFile, hasConfig: (dir: string) => boolean): boolean {
  if (BY_EXTENSION.test(f.path) || SAVED_MODEL.test(f.path) || MODEL_CACHE.test(f.path)) return true;
  return BIN.test(f.path) && hasConfig(f.path.slice(0, Math.max(0, f.path.lastIndexOf('/'))));
}

/** Model and data files copied in (not shipped inside an installed package). */
export const modelFiles = {
  code: 'model-files',
  severity: 'warning',
  when: `\`*.pt *.pth *.pkl *.npy *.h5 *.onnx *.safetensors *.ckpt *.gguf *.tflite *.keras *.joblib …\`, a SavedModel, \`*.bin\` beside a Hugging Face \`config.json\`, or the \`~/.cache/huggingface\` and \`~/.cache/torch\` downloads, of **≥ ${MODEL_FILE_MIN_BYTES / 1e6} MB** each (by default), outside installed packages`,
  fix: 'add them to .dockerignore; mount them or download them at runtime',
  fixInShort: '`.dockerignore`; mount or download at runtime',
  paths: new RegExp(`${BY_EXTENSION.source}|${SAVED_MODEL.source}|${MODEL_CACHE.source}|${BIN.source}`, 'i'),
  thresholds: ['modelFileMinBytes'],
  detect({ input, finals, th }) {
    const configs = new Map<string, boolean>();
    const hasConfig = (dir: string): boolean => {
      let v = configs.get(dir);
      if (v === undefined) configs.set(dir, (v = lookup(input.root, dir === '' ? 'config.json' : `${dir}/config.json`)?.kind === 'file'));
      return v;
    };
    const models = byBytes(finals.filter((f) => !PKG_DIR.test(f.path) && f.bytes >= th.modelFileMinBytes && isModel(f, hasConfig)));
    if (models.length === 0) return undefined;
    return {
      bytes: models.reduce((a, f) => a + f.bytes, 0),
      title: `${models.length} model/data file(s) of ≥ ${th.modelFileMinBytes.toLocaleString('en-US')} bytes copied into the image (*.pt, *.pth, *.pkl, *.npy, *.h5, *.onnx, *.safetensors, *.ckpt, *.gguf, …, model caches)`,
      items: models.map(fileItem),
    };
  },
} satisfies FindingDefinition;
