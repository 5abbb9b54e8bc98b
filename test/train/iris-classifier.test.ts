import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { TorchGenerator } from '../../src/data/torch-generator.js';
import { irisClassifier } from '../../src/train/iris-classifier.js';

// PyTorch's initial weights of the tutorial's IRISClassifier after torch.manual_seed(seed), seeds 0-9
// (test/golden/iris/make_convergence.py).
interface LayerParams {
  weight: number[][];
  bias: number[];
}
const convergence = JSON.parse(readFileSync(new URL('../golden/iris/convergence.json', import.meta.url), 'utf8')) as { runs: Array<{ seed: number; initialParams: LayerParams[] }> };

/** PyTorch's [out, in] weights as tf.js's [in, out] kernel, flattened, followed by the bias, per layer. */
function pytorchWeights(seed: number): number[][] {
  const run = convergence.runs.find((r) => r.seed === seed);
  assert.ok(run !== undefined, `seed ${seed} missing from test/golden/iris/convergence.json`);
  return run.initialParams.flatMap(({ weight, bias }) => [weight[0]!.map((_, col) => weight.map((row) => row[col]!)).flat(), bias]);
}

test('irisClassifier is 4-16-8-3 dense layers starting from the weights PyTorch draws after torch.manual_seed(seed)', () => {
  const models = [irisClassifier(), irisClassifier({ seed: 3 }), irisClassifier({ generator: new TorchGenerator(3) })];
  const [seed0, seed3, generator3] = models.map((m) => m.getWeights().map((w) => Array.from(w.dataSync())));
  assert.deepEqual(models[0]!.weights.map((w) => w.shape), [[4, 16], [16], [16, 8], [8], [8, 3], [3]]);
  assert.deepEqual(seed0, pytorchWeights(0), 'irisClassifier() differs from PyTorch after torch.manual_seed(0)');
  assert.deepEqual(seed3, pytorchWeights(3), 'irisClassifier({ seed: 3 }) differs from PyTorch after torch.manual_seed(3)');
  assert.deepEqual(generator3, seed3, '{ generator: new TorchGenerator(3) } and { seed: 3 } differ');
  assert.deepEqual(tf.tidy(() => (models[0]!.predict(tf.zeros([2, 4])) as tf.Tensor).shape), [2, 3]);
  models.forEach((m) => m.dispose());
});
