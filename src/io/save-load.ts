/**
 * Saving and loading models and their weights on the local file system, without tfjs-node.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { writeFileWholeSync } from './write-whole.js';
import { dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';

/** Name of the topology-and-manifest file in a saved model directory. */
export const MODEL_JSON = 'model.json';
/** Name of the weights file in a saved model directory. */
export const WEIGHTS_BIN = 'weights.bin';

/** A message tail locating a path for the user. */
function where(path: string): string {
  return `(resolved to ${resolve(path)}; working directory ${process.cwd()})`;
}

/** A copy of the bytes of a Node buffer as a standalone ArrayBuffer. */
function toArrayBuffer(buffer: Buffer): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}

/** Bytes per stored value of each dtype a weights manifest can hold (strings have no fixed size). */
const BYTES_PER_VALUE: Partial<Record<string, number>> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/**
 * Checks that a manifest group's files hold exactly the bytes its weights need, so a truncated or
 * padded `weights.bin` fails here, naming the file, instead of deep inside tf.js or not at all.
 */
function checkWeightBytes(group: tf.io.WeightsManifestConfig[number], buffers: ArrayBuffer[], dir: string, modelPath: string): void {
  let expected = 0;
  for (const weight of group.weights) {
    const dtype = weight.quantization?.dtype ?? weight.dtype;
    const size = BYTES_PER_VALUE[dtype];
    if (size === undefined) return; // strings: the size is in the data, tf.js checks it
    expected += weight.shape.reduce((a, b) => a * b, 1) * size;
  }
  const actual = buffers.reduce((total, buffer) => total + buffer.byteLength, 0);
  if (actual === expected) return;
  const files = group.paths.map((file) => join(dir, file)).join(' + ');
  throw new Error(
    `loadModel: ${files} holds ${actual} bytes, but ${modelPath} describes ${expected} bytes of weights ` +
      `(the file is ${actual < expected ? 'truncated' : 'too long'}); the two files do not belong together: save the model again`,
  );
}

/**
 * A tf.js `IOHandler` that saves to and loads from a directory on the local file system, in
 * TensorFlow.js's standard layout: `model.json` (topology and weights manifest) and `weights.bin`
 * (all weights, concatenated).
 *
 * The files are the same as tfjs-node's `file://` handler writes, so tfjs-node, the browser
 * (served over HTTP) and `tensorflowjs` converters read them too.
 *
 * PyTorch: none (the file layer under `torch.save`/`torch.load`); tf.js: `tf.io.fileSystem` in
 * tfjs-node, which is not available here.
 *
 * @param path - a directory (created on save), or the path of a `model.json` to load.
 * @example
 * ```ts
 * await model.save(fileSystem('saved/iris'));
 * const again = await tf.loadLayersModel(fileSystem('saved/iris'));
 * ```
 */
export function fileSystem(path: string): tf.io.IOHandler {
  const modelPath = path.endsWith('.json') ? path : join(path, MODEL_JSON);
  const dir = dirname(modelPath);
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const modelTopology = artifacts.modelTopology;
      if (modelTopology === undefined || modelTopology instanceof ArrayBuffer) {
        throw new Error('saveModel: the model has no JSON topology; only layers models (tf.sequential, tf.model) can be saved');
      }
      if (existsSync(dir) && !statSync(dir).isDirectory()) {
        throw new Error(`saveModel: ${dir} exists and is not a directory ${where(dir)}`);
      }
      mkdirSync(dir, { recursive: true });
      const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0));
      const modelJSON: tf.io.ModelJSON = {
        modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
      };
      if (artifacts.trainingConfig !== undefined) modelJSON.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata !== undefined) modelJSON.userDefinedMetadata = artifacts.userDefinedMetadata;
      writeFileWholeSync(join(dir, WEIGHTS_BIN), Buffer.from(weightData));
      writeFileWholeSync(modelPath, JSON.stringify(modelJSON));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      if (!existsSync(modelPath)) {
        throw new Error(
          `loadModel: no ${MODEL_JSON} at ${modelPath} ${where(modelPath)}; ` +
            'pass the directory that saveModel wrote (or its model.json)',
        );
      }
      let modelJSON: tf.io.ModelJSON;
      try {
        modelJSON = JSON.parse(readFileSync(modelPath, 'utf8')) as tf.io.ModelJSON;
      } catch (error) {
        throw new Error(`loadModel: ${modelPath} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (modelJSON.modelTopology === undefined) {
        throw new Error(`loadModel: ${modelPath} has no modelTopology; is it a TensorFlow.js layers model?`);
      }
      if (!Array.isArray(modelJSON.weightsManifest)) {
        throw new Error(
          `loadModel: ${modelPath} has no weightsManifest, so it names no weights file; tf.js would build the model with fresh ` +
            'random weights. Save the model again with saveModel (it writes model.json with its manifest and weights.bin)',
        );
      }
      return tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          const groupBuffers: ArrayBuffer[] = [];
          for (const file of group.paths) {
            const weightsPath = join(dir, file);
            if (!existsSync(weightsPath)) {
              throw new Error(`loadModel: ${modelPath} lists weights file ${file}, which is missing at ${weightsPath}`);
            }
            groupBuffers.push(toArrayBuffer(readFileSync(weightsPath)));
          }
          checkWeightBytes(group, groupBuffers, dir, modelPath);
          buffers.push(...groupBuffers);
          specs.push(...group.weights);
        }
        return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}

/**
 * Saves a layers model (architecture and weights) to a directory: `model.json` + `weights.bin`,
 * TensorFlow.js's standard format.
 *
 * PyTorch: `torch.save(model, path)` (the whole model). tf.js: `model.save('file://dir')`, which
 * needs tfjs-node.
 *
 * @param model - the model to save.
 * @param dir - the directory to write (created if missing; the two files are overwritten).
 * @returns tf.js's save summary (bytes of topology and weights).
 * @example
 * ```ts
 * await saveModel(model, 'iris-model');
 * const loaded = await loadModel('iris-model');
 * ```
 */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<tf.io.SaveResult> {
  return model.save(fileSystem(dir));
}

/**
 * Loads a layers model saved by {@link saveModel} (or by tfjs-node's `model.save('file://...')`).
 *
 * PyTorch: `torch.load(path)` of a whole model. tf.js: `tf.loadLayersModel('file://dir/model.json')`.
 *
 * @param path - the directory, or its `model.json`.
 * @returns the model, with its weights; the caller disposes it (`model.dispose()`).
 * @example
 * ```ts
 * await saveModel(model, 'iris-model');
 * const loaded = await loadModel('iris-model'); // same architecture, same weights
 * ```
 */
export async function loadModel(path: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(fileSystem(path));
}

/** A model's weights keyed by state-dict name, in model order. */
function namedWeights(model: tf.LayersModel): Map<string, tf.layers.Layer['weights'][number]> {
  const named = new Map<string, tf.layers.Layer['weights'][number]>();
  model.layers.forEach((layer, i) => {
    const shortNames = layer.weights.map((w) => w.originalName.slice(w.originalName.lastIndexOf('/') + 1));
    const unique = new Set(shortNames).size === shortNames.length;
    layer.weights.forEach((weight, j) => {
      named.set(unique ? `layers.${i}.${shortNames[j]}` : `layers.${i}.${j}.${shortNames[j]}`, weight);
    });
  });
  return named;
}

/**
 * The model's weights by name: `layers.<i>.<weight>` with `i` the index in `model.layers` and
 * `<weight>` tf.js's name without the layer prefix (`kernel`, `bias`, `gamma`, `moving_mean`...).
 * The names are the same for every instance of one architecture (tf.js's own names such as
 * `dense_Dense3/kernel` are numbered per process and are not). Trainable and non-trainable
 * weights are both included, like PyTorch's parameters and buffers.
 *
 * Ownership: the values are clones (cheap, they share memory) that keep the values of the moment;
 * the caller disposes them: `tf.dispose(Object.values(dict))`.
 *
 * PyTorch: `model.state_dict()` (`layers.0.weight`, `layers.0.bias`, ...). Deviations: keys say
 * `kernel` where PyTorch says `weight`, and a Dense kernel is `[in, out]`, the transpose of
 * PyTorch's `Linear.weight` `[out, in]`; the values are snapshots, not live views.
 *
 * @example
 * ```ts
 * const dict = stateDict(model); // { 'layers.0.kernel': [4, 16], 'layers.0.bias': [16], ... }
 * ```
 */
export function stateDict(model: tf.LayersModel): Record<string, tf.Tensor> {
  const dict: Record<string, tf.Tensor> = {};
  for (const [name, weight] of namedWeights(model)) dict[name] = tf.clone(weight.read());
  return dict;
}

/** Options of {@link loadStateDict}. */
export interface LoadStateDictOptions {
  /**
   * Whether every model weight must be in the dictionary and every key must be a model weight.
   * @default true
   */
  strict?: boolean;
}

/** What {@link loadStateDict} returns: the keys that did not match (empty when strict). */
export interface LoadStateDictResult {
  /** Model weights that the dictionary lacks (left unchanged). */
  missingKeys: string[];
  /** Dictionary keys that name no model weight (ignored). */
  unexpectedKeys: string[];
}

/**
 * Reads a state dictionary from a file written by {@link saveStateDict} (or any safetensors file
 * with F32, I32 or BOOL tensors). The caller disposes the tensors (`tf.dispose(Object.values(dict))`).
 *
 * PyTorch: `torch.load(path)` of a saved `state_dict`.
 *
 * @param path - the `.safetensors` file.
 * @returns tensors by name.
 */
export function loadStateDict(path: string): Record<string, tf.Tensor>;
/**
 * Copies weights into `model` from a dictionary made by {@link stateDict} (of a model of the same
 * architecture) or read by `loadStateDict(path)`, or straight from such a file.
 *
 * Everything is checked before any weight changes: with `strict` (the default) missing and
 * unexpected keys are errors; a shape or dtype mismatch is always an error. The model copies the
 * values; the caller still owns (disposes) the dictionary.
 *
 * PyTorch: `model.load_state_dict(state_dict, strict=True)`; given a path, also the `torch.load(path)`
 * before it.
 *
 * @param model - the model to update.
 * @param dictOrPath - tensors by state-dict name, or the path of a file written by
 *   {@link saveStateDict} (read, loaded, then disposed).
 * @param options - `{ strict }`.
 * @returns the missing and unexpected keys (both empty when `strict`).
 * @example
 * ```ts
 * const saved = loadStateDict('model.safetensors'); // torch.load
 * loadStateDict(newModel, saved);                   // newModel.load_state_dict(saved)
 * tf.dispose(Object.values(saved));
 * ```
 */
export function loadStateDict(
  model: tf.LayersModel,
  dictOrPath: Record<string, tf.Tensor> | string,
  options?: LoadStateDictOptions,
): LoadStateDictResult;
export function loadStateDict(
  modelOrPath: tf.LayersModel | string,
  dictOrPath?: Record<string, tf.Tensor> | string,
  options: LoadStateDictOptions = {},
): LoadStateDictResult | Record<string, tf.Tensor> {
  if (typeof modelOrPath === 'string') return readStateDictFile(modelOrPath);
  if (dictOrPath === undefined) {
    throw new Error('loadStateDict: got a model but no state dict; call loadStateDict(model, dictOrPath)');
  }
  return copyStateDict(modelOrPath, dictOrPath, options);
}

/** `model.load_state_dict(dict)`: the work of {@link loadStateDict} with a model. */
function copyStateDict(
  model: tf.LayersModel,
  dictOrPath: Record<string, tf.Tensor> | string,
  options: LoadStateDictOptions,
): LoadStateDictResult {
  if (typeof dictOrPath === 'string') {
    const fromFile = readStateDictFile(dictOrPath);
    try {
      return copyStateDict(model, fromFile, options);
    } finally {
      tf.dispose(Object.values(fromFile));
    }
  }
  const dict = dictOrPath;
  const { strict = true } = options;
  const named = namedWeights(model);
  const missingKeys = [...named.keys()].filter((key) => !(key in dict));
  const unexpectedKeys = Object.keys(dict).filter((key) => !named.has(key));
  if (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0)) {
    const parts = [];
    if (missingKeys.length > 0) parts.push(`missing keys: ${missingKeys.join(', ')}`);
    if (unexpectedKeys.length > 0) parts.push(`unexpected keys: ${unexpectedKeys.join(', ')}`);
    throw new Error(
      `loadStateDict: the dictionary does not match the model (${parts.join('; ')}). ` +
        `The model has: ${[...named.keys()].join(', ')}. Pass { strict: false } to load the keys that match.`,
    );
  }
  const updates: [tf.layers.Layer['weights'][number], tf.Tensor][] = [];
  for (const [name, weight] of named) {
    const value = dict[name];
    if (value === undefined) continue;
    if (value.shape.length !== weight.shape.length || value.shape.some((d, k) => d !== weight.shape[k])) {
      throw new Error(
        `loadStateDict: ${name} has shape [${value.shape.join(', ')}] in the dictionary, expected [${weight.shape.join(', ')}] ` +
          '(a Dense kernel is [in, out], the transpose of PyTorch\'s Linear.weight)',
      );
    }
    if (value.dtype !== weight.dtype) {
      throw new Error(`loadStateDict: ${name} has dtype ${value.dtype} in the dictionary, expected ${weight.dtype}`);
    }
    updates.push([weight, value]);
  }
  for (const [weight, value] of updates) weight.write(value);
  return { missingKeys, unexpectedKeys };
}

// The safetensors codec is written here: the format is an 8-byte length, a JSON header and raw bytes, and npm's
// `safetensors` package is one 0.0.1 release with no source repository named.
/** safetensors dtype names of the tf.js dtypes a state dict can hold. */
const SAFETENSORS_DTYPES: Partial<Record<tf.DataType, string>> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };

/** Header entry of one tensor in a safetensors file. */
interface SafetensorsEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** Bytes per value of the safetensors dtypes trainbook reads. */
const SAFETENSORS_BYTES: Record<string, number> = { F32: 4, I32: 4, BOOL: 1 };

/** `JSON.stringify` for a message, with `undefined` spelled out. */
function shown(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

/**
 * Validates a parsed safetensors header against the format (and the dtypes read here): every
 * tensor an object with a known dtype, a shape of non-negative integers and `[begin, end]` offsets
 * whose length fits the dtype and shape, inside the data, without overlaps. Errors name the tensor
 * and the field.
 */
function checkSafetensorsHeader(header: unknown, dataBytes: number, bad: (why: string) => Error): [string, SafetensorsEntry][] {
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw bad(`header is ${shown(header)}, expected a JSON object of tensors`);
  }
  const entries: [string, SafetensorsEntry][] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const tensor = `tensor ${JSON.stringify(name)}`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw bad(`${tensor} is ${shown(raw)}, expected an object with dtype, shape and data_offsets`);
    }
    const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
    if (typeof dtype !== 'string' || SAFETENSORS_BYTES[dtype] === undefined) {
      throw bad(`${tensor} has dtype ${typeof dtype === 'string' ? dtype : shown(dtype)}; trainbook reads F32, I32 and BOOL`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
      throw bad(`${tensor}: shape is ${shown(shape)}, expected a list of non-negative integers`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0) || (offsets[0] as number) > (offsets[1] as number)) {
      throw bad(`${tensor}: data_offsets is ${shown(offsets)}, expected [begin, end], two integers with 0 <= begin <= end`);
    }
    const [begin, end] = offsets as [number, number];
    const needed = (shape as number[]).reduce((a, b) => a * b, 1) * (SAFETENSORS_BYTES[dtype] as number);
    if (end - begin !== needed) {
      throw bad(`${tensor}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes, but ${dtype} [${(shape as number[]).join(', ')}] needs ${needed}`);
    }
    if (end > dataBytes) {
      throw bad(`${tensor}: data_offsets [${begin}, ${end}] end beyond the ${dataBytes} bytes of data (the file is truncated?)`);
    }
    entries.push([name, { dtype, shape: shape as number[], data_offsets: [begin, end] }]);
  }
  const byStart = [...entries].sort((x, y) => x[1].data_offsets[0] - y[1].data_offsets[0]);
  for (let i = 1; i < byStart.length; i++) {
    const [prevName, prev] = byStart[i - 1] as [string, SafetensorsEntry];
    const [name, entry] = byStart[i] as [string, SafetensorsEntry];
    if (entry.data_offsets[0] < prev.data_offsets[1]) {
      throw bad(
        `tensors ${JSON.stringify(prevName)} ([${prev.data_offsets.join(', ')}]) and ${JSON.stringify(name)} ([${entry.data_offsets.join(', ')}]) overlap`,
      );
    }
  }
  return entries;
}

/**
 * Writes a state dictionary to a file in the safetensors format
 * (https://github.com/huggingface/safetensors): an 8-byte little-endian header length, a JSON
 * header (name → dtype, shape, byte range), then the raw little-endian bytes. Python reads it with
 * `safetensors.numpy.load_file(path)` (tf.js layout: Dense kernels `[in, out]`).
 *
 * Given a model instead of a dictionary, saves `stateDict(model)` (and disposes it).
 *
 * PyTorch: `torch.save(model.state_dict(), path)` (which writes a pickle; safetensors is the
 * format PyTorch users share weights in).
 *
 * @param dictOrModel - tensors by name (float32, int32 or bool), e.g. from {@link stateDict}, not
 *   disposed; or a layers model, whose `stateDict` is saved.
 * @param path - the file to write, e.g. `model.safetensors` (its directory must exist).
 * @example
 * ```ts
 * const dict = stateDict(model);
 * await saveStateDict(dict, 'model.safetensors');
 * tf.dispose(Object.values(dict));
 * ```
 */
export async function saveStateDict(dictOrModel: Record<string, tf.Tensor> | tf.LayersModel, path: string): Promise<void> {
  if (dictOrModel instanceof tf.LayersModel) {
    const own = stateDict(dictOrModel);
    try {
      return await saveStateDict(own, path);
    } finally {
      tf.dispose(Object.values(own));
    }
  }
  const dict = dictOrModel;
  const header: Record<string, SafetensorsEntry | Record<string, string>> = {
    __metadata__: { format: 'trainbook', layout: 'tfjs (Dense kernel [in, out])' },
  };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of Object.keys(dict).sort()) {
    const tensor = dict[name] as tf.Tensor;
    const dtype = SAFETENSORS_DTYPES[tensor.dtype];
    if (dtype === undefined) {
      throw new Error(`saveStateDict: ${name} has dtype ${tensor.dtype}; only float32, int32 and bool can be saved`);
    }
    const values = await tensor.data();
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
    header[name] = { dtype, shape: [...tensor.shape], data_offsets: [offset, offset + bytes.byteLength] };
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  let headerText = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned, as the format recommends.
  headerText += ' '.repeat((8 - ((8 + Buffer.byteLength(headerText)) % 8)) % 8);
  const headerBytes = Buffer.from(headerText, 'utf8');
  const lengthBytes = Buffer.alloc(8);
  lengthBytes.writeBigUInt64LE(BigInt(headerBytes.byteLength));
  if (!existsSync(dirname(resolve(path)))) {
    throw new Error(`saveStateDict: the directory of ${path} does not exist ${where(dirname(resolve(path)))}`);
  }
  writeFileWholeSync(path, Buffer.concat([lengthBytes, headerBytes, ...chunks]));
}

/** `torch.load(path)`: the work of {@link loadStateDict} with a path. */
function readStateDictFile(path: string): Record<string, tf.Tensor> {
  if (!existsSync(path)) {
    throw new Error(`loadStateDict: file not found: ${path} ${where(path)}`);
  }
  const file = readFileSync(path);
  const bad = (why: string): Error => new Error(`loadStateDict: ${path} is not a safetensors file: ${why}`);
  if (file.byteLength < 8) throw bad(`only ${file.byteLength} bytes`);
  const headerLength = Number(file.readBigUInt64LE(0));
  if (8 + headerLength > file.byteLength) throw bad(`header length ${headerLength} exceeds the file size ${file.byteLength}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(file.subarray(8, 8 + headerLength).toString('utf8'));
  } catch (error) {
    throw bad(`header is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const dataStart = 8 + headerLength;
  const entries = checkSafetensorsHeader(parsed, file.byteLength - dataStart, (why) => new Error(`loadStateDict: ${path}: ${why}`));
  const dict: Record<string, tf.Tensor> = {};
  for (const [name, entry] of entries) {
    const [begin, end] = entry.data_offsets;
    const bytes = toArrayBuffer(file.subarray(dataStart + begin, dataStart + end));
    switch (entry.dtype) {
      case 'F32':
        dict[name] = tf.tensor(new Float32Array(bytes), entry.shape, 'float32');
        break;
      case 'I32':
        dict[name] = tf.tensor(new Int32Array(bytes), entry.shape, 'int32');
        break;
      default:
        dict[name] = tf.tensor(new Uint8Array(bytes), entry.shape, 'bool');
    }
  }
  return dict;
}
