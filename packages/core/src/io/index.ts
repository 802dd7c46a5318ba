export { writeFileAtomic } from './atomic.js';
export { decodeSafetensors, encodeSafetensors, loadSafetensors, saveSafetensors } from './safetensors.js';
export type { SafeTensor, SafetensorsContents, SafetensorsData, SafetensorsDtype } from './safetensors.js';
export { loadWeights, saveWeights, toSafeTensor, toTfTensor } from './weights.js';
