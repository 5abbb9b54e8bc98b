import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { allClose } from '../../src/train/all-close.js';
import { skipUnlessNative, useBackend } from '../backends.js';
import {
  fileSystem,
  loadModel,
  loadStateDict,
  saveModel,
  saveStateDict,
  stateDict,
} from '../../src/io/save-load.js';

const dir = mkdtempSync(join(tmpdir(), 'trainbook-io-'));

/** The tutorial's Iris classifier: Linear(4,16) → Linear(16,8) → Linear(8,3). */
function irisClassifier(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [4], units: 16 }),
      tf.layers.dense({ units: 8 }),
      tf.layers.dense({ units: 3 }),
    ],
  });
}

function disposeDict(dict: Record<string, tf.Tensor>): void {
  tf.dispose(Object.values(dict));
}

for (const backend of ['wasm', 'tensorflow'] as const) {
  const skip = backend === 'tensorflow' ? skipUnlessNative() : false;
  describe(`saveModel and loadModel on ${backend}`, { skip }, () => {
    before(async () => {
      await useBackend(backend);
    });

    it('writes model.json and weights.bin that load back with the same weights and outputs', async () => {
      const model = irisClassifier();
      const path = join(dir, 'iris-model');
      const result = await saveModel(model, path);
      assert.ok(existsSync(join(path, 'model.json')));
      assert.equal(readFileSync(join(path, 'weights.bin')).byteLength, (4 * 16 + 16 + 16 * 8 + 8 + 8 * 3 + 3) * 4);
      assert.equal(result.modelArtifactsInfo.weightDataBytes, (4 * 16 + 16 + 16 * 8 + 8 + 8 * 3 + 3) * 4);
      const json = JSON.parse(readFileSync(join(path, 'model.json'), 'utf8'));
      assert.deepEqual(json.weightsManifest[0].paths, ['weights.bin']);

      const loaded = await loadModel(path);
      const x = tf.randomNormal([5, 4], 0, 1, 'float32', 3);
      const expected = model.predict(x) as tf.Tensor;
      const actual = loaded.predict(x) as tf.Tensor;
      assert.ok(allClose(actual, expected));
      const a = stateDict(model);
      const b = stateDict(loaded);
      assert.deepEqual(Object.keys(b), Object.keys(a));
      for (const key of Object.keys(a)) assert.ok(allClose(b[key]!, a[key]!), key);
      disposeDict(a);
      disposeDict(b);
      tf.dispose([x, expected, actual]);
      model.dispose();
      loaded.dispose();
    });

    it('is read by tf.loadLayersModel through the fileSystem handler, also given the model.json path', async () => {
      const model = irisClassifier();
      const path = join(dir, 'handler-model');
      await model.save(fileSystem(path));
      const loaded = await tf.loadLayersModel(fileSystem(join(path, 'model.json')));
      const x = tf.ones([2, 4]);
      const expected = model.predict(x) as tf.Tensor;
      const actual = loaded.predict(x) as tf.Tensor;
      assert.ok(allClose(actual, expected));
      tf.dispose([x, expected, actual]);
      model.dispose();
      loaded.dispose();
    });

    it('says where it looked when the directory or a weights file is missing', async () => {
      await assert.rejects(loadModel(join(dir, 'nothing-here')), /loadModel: no model.json at .*nothing-here\/model.json \(resolved to .*; working directory /);
      const model = irisClassifier();
      const path = join(dir, 'broken-model');
      await saveModel(model, path);
      const json = JSON.parse(readFileSync(join(path, 'model.json'), 'utf8'));
      json.weightsManifest[0].paths = ['gone.bin'];
      writeFileSync(join(path, 'model.json'), JSON.stringify(json));
      await assert.rejects(loadModel(path), /lists weights file gone.bin, which is missing at /);
      model.dispose();
    });

    it('refuses a truncated weights.bin, naming the file and both byte counts', async () => {
      const model = irisClassifier();
      const path = join(dir, 'truncated-model');
      await saveModel(model, path);
      const bytes = readFileSync(join(path, 'weights.bin'));
      writeFileSync(join(path, 'weights.bin'), bytes.subarray(0, bytes.byteLength - 12));
      await assert.rejects(loadModel(path), new RegExp(`loadModel: .*truncated-model/weights\\.bin holds ${bytes.byteLength - 12} bytes, but .*model\\.json describes ${bytes.byteLength} bytes of weights \\(the file is truncated\\)`));
      model.dispose();
    });

    it('refuses a weights.bin longer than its manifest says', async () => {
      const model = irisClassifier();
      const path = join(dir, 'long-model');
      await saveModel(model, path);
      const bytes = readFileSync(join(path, 'weights.bin'));
      writeFileSync(join(path, 'weights.bin'), Buffer.concat([bytes, Buffer.alloc(4)]));
      await assert.rejects(loadModel(path), new RegExp(`long-model/weights\\.bin holds ${bytes.byteLength + 4} bytes, but .*describes ${bytes.byteLength} bytes of weights \\(the file is too long\\)`));
      model.dispose();
    });

    it('refuses a model.json without weightsManifest instead of loading fresh weights', async () => {
      const model = irisClassifier();
      const path = join(dir, 'no-manifest-model');
      await saveModel(model, path);
      const json = JSON.parse(readFileSync(join(path, 'model.json'), 'utf8'));
      delete json.weightsManifest;
      writeFileSync(join(path, 'model.json'), JSON.stringify(json));
      await assert.rejects(loadModel(path), /loadModel: .*no-manifest-model\/model\.json has no weightsManifest/);
      model.dispose();
    });
  });

  describe(`stateDict and loadStateDict on ${backend}`, { skip }, () => {
    before(async () => {
      await useBackend(backend);
    });

    it('names weights by layer index, the same for two fresh models', () => {
      const a = irisClassifier();
      const b = irisClassifier();
      const dictA = stateDict(a);
      const dictB = stateDict(b);
      assert.deepEqual(Object.keys(dictA), [
        'layers.0.kernel',
        'layers.0.bias',
        'layers.1.kernel',
        'layers.1.bias',
        'layers.2.kernel',
        'layers.2.bias',
      ]);
      assert.deepEqual(Object.keys(dictB), Object.keys(dictA));
      assert.deepEqual(dictA['layers.0.kernel']!.shape, [4, 16]);
      disposeDict(dictA);
      disposeDict(dictB);
      a.dispose();
      b.dispose();
    });

    it('copies one fresh model\'s weights into another so their outputs agree', () => {
      const a = irisClassifier();
      const b = irisClassifier();
      const x = tf.randomNormal([3, 4], 0, 1, 'float32', 1);
      const before = tf.tidy(() => allClose(a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor));
      assert.equal(before, false);
      const dict = stateDict(a);
      const result = loadStateDict(b, dict);
      assert.deepEqual(result, { missingKeys: [], unexpectedKeys: [] });
      disposeDict(dict);
      const after = tf.tidy(() => allClose(a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor));
      assert.equal(after, true);
      x.dispose();
      a.dispose();
      b.dispose();
    });

    it('returns snapshots: disposing or changing the model does not touch the dictionary, and the reverse', () => {
      const model = irisClassifier();
      const dict = stateDict(model);
      const saved = Array.from(dict['layers.2.bias']!.dataSync());
      model.layers[2]!.setWeights([tf.ones([8, 3]), tf.fill([3], 7)]);
      assert.deepEqual(Array.from(dict['layers.2.bias']!.dataSync()), saved);
      loadStateDict(model, dict);
      disposeDict(dict);
      const now = stateDict(model);
      assert.deepEqual(Array.from(now['layers.2.bias']!.dataSync()), saved);
      disposeDict(now);
      model.dispose();
    });

    it('rejects missing and unexpected keys, and mismatched shapes, without changing the model', () => {
      const model = irisClassifier();
      const dict = stateDict(model);
      const original = Array.from(dict['layers.0.bias']!.dataSync());
      const partial = { ...dict };
      delete partial['layers.2.bias'];
      partial.extra = tf.zeros([1]);
      assert.throws(
        () => loadStateDict(model, partial),
        /loadStateDict: the dictionary does not match the model \(missing keys: layers.2.bias; unexpected keys: extra\)/,
      );
      const lenient = loadStateDict(model, partial, { strict: false });
      assert.deepEqual(lenient, { missingKeys: ['layers.2.bias'], unexpectedKeys: ['extra'] });
      const wrongShape = { ...dict, 'layers.0.bias': tf.zeros([8]), 'layers.0.kernel': tf.zeros([4, 16]) };
      assert.throws(() => loadStateDict(model, wrongShape), /layers.0.bias has shape \[8\] in the dictionary, expected \[16\]/);
      const check = stateDict(model);
      assert.deepEqual(Array.from(check['layers.0.bias']!.dataSync()), original);
      assert.ok(!allClose(check['layers.0.kernel']!, tf.zeros([4, 16])));
      tf.dispose([partial.extra, wrongShape['layers.0.bias'], wrongShape['layers.0.kernel']]);
      disposeDict(check);
      disposeDict(dict);
      model.dispose();
    });

    it('leaks no tensors when the returned dictionaries are disposed', () => {
      const a = irisClassifier();
      const b = irisClassifier();
      const before = tf.memory().numTensors;
      const dict = stateDict(a);
      loadStateDict(b, dict);
      disposeDict(dict);
      assert.equal(tf.memory().numTensors, before);
      a.dispose();
      b.dispose();
    });
  });

  describe(`saveStateDict and loadStateDict(path) on ${backend}`, { skip }, () => {
    before(async () => {
      await useBackend(backend);
    });

    it('round-trips a state dictionary through a safetensors file', async () => {
      const model = irisClassifier();
      const dict = stateDict(model);
      dict.steps = tf.tensor1d([3, -1], 'int32');
      dict.mask = tf.tensor1d([true, false, true], 'bool');
      const path = join(dir, 'model.safetensors');
      await saveStateDict(dict, path);

      const file = readFileSync(path);
      const headerLength = Number(file.readBigUInt64LE(0));
      assert.equal((8 + headerLength) % 8, 0);
      const header = JSON.parse(file.subarray(8, 8 + headerLength).toString('utf8'));
      assert.deepEqual(header['layers.0.kernel'].shape, [4, 16]);
      assert.equal(header['layers.0.kernel'].dtype, 'F32');

      const back = loadStateDict(path);
      assert.deepEqual(Object.keys(back).sort(), Object.keys(dict).sort());
      for (const key of Object.keys(dict)) {
        assert.equal(back[key]!.dtype, dict[key]!.dtype, key);
        assert.deepEqual(back[key]!.shape, dict[key]!.shape, key);
        assert.deepEqual(Array.from(back[key]!.dataSync()), Array.from(dict[key]!.dataSync()), key);
      }
      delete back.steps;
      delete back.mask;
      const fresh = irisClassifier();
      loadStateDict(fresh, back);
      const x = tf.ones([1, 4]);
      assert.ok(tf.tidy(() => allClose(fresh.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor)));
      tf.dispose([x, dict.steps, dict.mask]);
      disposeDict(dict);
      disposeDict(back);
      model.dispose();
      fresh.dispose();
    });

    it('saves a model directly and loads a file path directly, leaking nothing', async () => {
      const model = irisClassifier();
      const fresh = irisClassifier();
      const path = join(dir, 'direct.safetensors');
      const before = tf.memory().numTensors;
      await saveStateDict(model, path);
      const result = loadStateDict(fresh, path);
      assert.deepEqual(result, { missingKeys: [], unexpectedKeys: [] });
      assert.equal(tf.memory().numTensors, before);
      const x = tf.ones([2, 4]);
      assert.ok(tf.tidy(() => allClose(fresh.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor)));
      x.dispose();
      model.dispose();
      fresh.dispose();
    });

    it('explains a missing or foreign file', () => {
      assert.throws(() => loadStateDict(join(dir, 'none.safetensors')), /loadStateDict: file not found: .*none.safetensors \(resolved to /);
      const junk = join(dir, 'junk.safetensors');
      writeFileSync(junk, 'hello world, not weights');
      assert.throws(() => loadStateDict(junk), /is not a safetensors file: header length \d+ exceeds the file size 24/);
    });
  });
}

describe('loadStateDict(path) on a damaged safetensors header', () => {
  /** A safetensors file with this header (any JSON) and `dataBytes` zero bytes of data. */
  function craft(name: string, header: unknown, dataBytes: number): string {
    const text = Buffer.from(JSON.stringify(header), 'utf8');
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(text.byteLength));
    const path = join(dir, name);
    writeFileSync(path, Buffer.concat([length, text, Buffer.alloc(dataBytes)]));
    return path;
  }
  const good = { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] };

  it('names the tensor and the field that is wrong', () => {
    const cases: [string, unknown, number, RegExp][] = [
      ['null-header', null, 0, /header is null, expected a JSON object of tensors/],
      ['number-header', 42, 0, /header is 42, expected a JSON object of tensors/],
      ['null-entry', { w: null }, 0, /tensor "w" is null, expected an object with dtype, shape and data_offsets/],
      ['number-entry', { w: 7 }, 0, /tensor "w" is 7, expected an object/],
      ['no-offsets', { w: { dtype: 'F32', shape: [2, 3] } }, 24, /tensor "w": data_offsets is undefined, expected \[begin, end\]/],
      ['bad-shape', { w: { ...good, shape: [2, -3] } }, 24, /tensor "w": shape is \[2,-3\], expected a list of non-negative integers/],
      ['string-shape', { w: { ...good, shape: '2x3' } }, 24, /tensor "w": shape is "2x3"/],
      ['misaligned', { w: { ...good, data_offsets: [0, 22] } }, 24, /tensor "w": data_offsets \[0, 22\] hold 22 bytes, but F32 \[2, 3\] needs 24/],
      ['out-of-range', { w: { ...good, data_offsets: [0, 24] } }, 16, /tensor "w": data_offsets \[0, 24\] end beyond the 16 bytes of data/],
      ['overlap', { a: good, b: { ...good, data_offsets: [16, 40] } }, 40, /tensors "a" \(\[0, 24\]\) and "b" \(\[16, 40\]\) overlap/],
      ['bad-dtype', { w: { ...good, dtype: 'F64' } }, 48, /tensor "w" has dtype F64; trainbook reads F32, I32 and BOOL/],
    ];
    for (const [name, header, bytes, expected] of cases) {
      const path = craft(`${name}.safetensors`, header, bytes);
      const before = tf.memory().numTensors;
      assert.throws(() => loadStateDict(path), (error: Error) => {
        assert.match(error.message, expected, name);
        assert.match(error.message, new RegExp(`^loadStateDict: .*${name}\\.safetensors`), `${name}: the message names the file`);
        return true;
      });
      assert.equal(tf.memory().numTensors, before, `${name}: tensors leaked`);
    }
  });

  it('still reads a well-formed crafted file', () => {
    const dict = loadStateDict(craft('good.safetensors', { __metadata__: { format: 'pt' }, w: good }, 24));
    assert.deepEqual(dict.w?.shape, [2, 3]);
    tf.dispose(Object.values(dict));
  });
});
