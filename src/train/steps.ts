/**
 * `trainStep` and `valStep`: one epoch of training, one pass of evaluation.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * A classifier: a tf.js layers model (`tf.Sequential`, `tf.LayersModel`) or a function from
 * inputs `[batch, ...]` to logits `[batch, classes]`. A function gets `training` as its second
 * argument (true in {@link trainStep}).
 */
export type Classifier = Pick<tf.LayersModel, 'apply'> | ((x: tf.Tensor, training: boolean) => tf.Tensor);

/**
 * Where batches come from: a {@link DataLoader} yielding `[inputs, targets]` (or anything that
 * iterates like one and knows its number of batches and its dataset's length).
 */
export interface BatchSource {
  /** Batches per epoch (`len(loader)`). */
  readonly length: number;
  /** The examples (`len(loader.dataset)`). */
  readonly dataset: { readonly length: number };
  [Symbol.asyncIterator](): AsyncIterator<readonly [tf.Tensor, tf.Tensor]>;
}

/** A loss from logits `[batch, classes]` and targets `[batch]` to a scalar, e.g. `crossEntropyLoss`. */
export type LossFn = (logits: tf.Tensor2D, targets: tf.Tensor1D) => tf.Scalar;

/** Options of {@link trainStep}. */
export interface TrainStepOptions {
  /** The loss to minimise, e.g. `crossEntropyLoss`. */
  lossFn: LossFn;
  /** The optimizer that updates the model's weights, e.g. `tf.train.adam(1e-3)`. */
  optimizer: tf.Optimizer;
}

/** Options of {@link valStep}. */
export interface ValStepOptions {
  /** The loss to report, e.g. `crossEntropyLoss`. */
  lossFn: LossFn;
}

/** What {@link valStep} returns. */
export interface ValResult {
  /** Mean of the batch losses (`total_loss / len(loader)`). */
  loss: number;
  /** Correct predictions over all examples (`total_correct / len(loader.dataset)`). */
  accuracy: number;
}

/** Logits `[batch, classes]` of `model` on `x`. */
function forward(model: Classifier, x: tf.Tensor, training: boolean): tf.Tensor2D {
  const logits = typeof model === 'function' ? model(x, training) : model.apply(x, { training });
  if (Array.isArray(logits) || !(logits instanceof tf.Tensor) || logits.rank !== 2) {
    const shape = logits instanceof tf.Tensor ? `[${logits.shape.join(', ')}]` : 'not a single tensor';
    throw new Error(`trainStep/valStep: the model's output is ${shape}, expected logits [batch, classes]`);
  }
  return logits as tf.Tensor2D;
}

/**
 * One epoch of training (every batch of `loader`, not one batch): for each batch, compute the loss,
 * its gradients, and let the optimizer update the weights. Returns the mean of the batch losses.
 * The name is the tutorial's (`train_step()` runs an epoch); for one batch see `sparseTrainBatch`
 * or write `optimizer.minimize` out.
 *
 * Leaks no tensors: each step runs in `optimizer.minimize(..., true)` (which tidies the
 * intermediate tensors) and the returned loss is disposed after reading it.
 *
 * PyTorch: the tutorial's `train_step()` (`model.train()`, then per batch `optimizer.zero_grad()`,
 * `loss.backward()`, `optimizer.step()`), returning `total_loss / len(train_loader)` instead of
 * printing it.
 *
 * @param model - a layers model or a function giving logits `[batch, classes]`.
 * @param loader - batches `[x, y]`, e.g. `x: [batch, 4]` float32, `y: [batch]` int32.
 * @param options - `{ lossFn, optimizer }`.
 * @returns the mean training loss over the epoch's batches.
 * @example
 * ```ts
 * const trainLoss = await trainStep(model, trainLoader, { lossFn: crossEntropyLoss, optimizer });
 * ```
 */
export async function trainStep(model: Classifier, loader: BatchSource, options: TrainStepOptions): Promise<number> {
  const { lossFn, optimizer } = options;
  let totalLoss = 0;
  for await (const [x, y] of loader) {
    const loss = optimizer.minimize(() => lossFn(forward(model, x, true), y as tf.Tensor1D), true);
    if (loss === null) throw new Error('trainStep: optimizer.minimize returned no loss');
    totalLoss += loss.dataSync()[0] as number;
    loss.dispose();
  }
  return totalLoss / loader.length;
}

/**
 * One epoch of evaluation (every batch of `loader`) without training: mean batch loss and
 * accuracy (the share of examples whose highest logit is the target class). The name is the
 * tutorial's (`val_step()` runs over the whole validation loader).
 *
 * No gradients are computed; each batch runs in `tf.tidy`, so nothing leaks.
 *
 * PyTorch: the tutorial's `val_step()` (`model.eval()` and `torch.inference_mode()`), returning
 * `{ loss: total_loss / len(val_loader), accuracy: total_correct / len(val_loader.dataset) }`.
 *
 * @param model - a layers model or a function giving logits `[batch, classes]`.
 * @param loader - batches `[x, y]`, `y: [batch]` int32 class indices.
 * @param options - `{ lossFn }`.
 * @returns mean loss and accuracy, plain numbers.
 * @example
 * ```ts
 * const { loss, accuracy } = await valStep(model, valLoader, { lossFn: crossEntropyLoss });
 * ```
 */
export async function valStep(model: Classifier, loader: BatchSource, options: ValStepOptions): Promise<ValResult> {
  const { lossFn } = options;
  let totalLoss = 0;
  let totalCorrect = 0;
  for await (const [x, y] of loader) {
    const [loss, correct] = tf.tidy(() => {
      const logits = forward(model, x, false);
      const batchLoss = lossFn(logits, y as tf.Tensor1D);
      const predictions = tf.argMax(logits, 1); // [batch] int32
      const numCorrect = tf.sum(tf.cast(tf.equal(predictions, tf.cast(y, 'int32')), 'int32'));
      return [batchLoss.dataSync()[0] as number, numCorrect.dataSync()[0] as number];
    });
    totalLoss += loss;
    totalCorrect += correct;
  }
  return { loss: totalLoss / loader.length, accuracy: totalCorrect / loader.dataset.length };
}
