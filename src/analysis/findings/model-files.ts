import { MODEL_FILE_MIN_BYTES } from './thresholds.js';
import { byBytes, fileItem, PKG_DIR, type FindingDefinition } from './types.js';

const MODEL_EXT = /\.(pt|pth|pkl|pickle|npy|npz|h5|hdf5|onnx|safetensors|ckpt|joblib|bin\.gz)$/i;

/** Model and data files copied in (not shipped inside an installed package). */
export const modelFiles: FindingDefinition = {
  code: 'model-files',
  severity: 'warning',
  when: `\`*.pt *.pth *.pkl *.npy *.h5 *.onnx *.safetensors *.ckpt …\` of **≥ ${MODEL_FILE_MIN_BYTES / 1e6} MB** each (by default), outside installed packages`,
  fix: 'add them to .dockerignore; mount them or download them at runtime',
  fixInShort: '`.dockerignore`; mount or download at runtime',
  paths: MODEL_EXT,
  thresholds: ['modelFileMinBytes'],
  detect({ finals, th }) {
    const models = byBytes(finals.filter((f) => !PKG_DIR.test(f.path) && f.bytes >= th.modelFileMinBytes));
    if (models.length === 0) return undefined;
    return {
      bytes: models.reduce((a, f) => a + f.bytes, 0),
      title: `${models.length} model/data file(s) of ≥ ${th.modelFileMinBytes.toLocaleString('en-US')} bytes copied into the image (*.pt, *.pth, *.pkl, *.npy, *.h5, *.onnx, *.safetensors, *.ckpt)`,
      items: models.map(fileItem),
    };
  },
};
