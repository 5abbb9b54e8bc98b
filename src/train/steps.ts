/**
 * `trainStep` and `valStep`: one epoch of training, one pass of evaluation.
 */
import * as tf from '@tensorflow/tfjs';
import { meanAbsoluteError, r2Score } from './metrics.js';

/**
 * A model: a tf.js layers model (`tf.Sequential`, `tf.LayersModel`) or a function from inputs
 * `[batch, ...]` to outputs `[batch, outputs]` (a classifier's logits `[batch, classes]`, a
 * regression model's predictions `[batch, 1]`). A function gets `training` as its second argument
 * (true in {@link trainStep}).
 */
export type Model = Pick<tf.LayersModel, 'apply'> | ((x: tf.Tensor, training: boolean) => tf.Tensor);

/** A classifier: a {@link Model} whose outputs are logits `[batch, classes]` (the same type, the classification lessons' name). */
export type Classifier = Model;

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

/**
 * A loss from the model's outputs `[batch, outputs]` and the targets to a scalar: `crossEntropyLoss`
 * (logits `[batch, classes]`, class indices `[batch]`, the default `T`) or `mseLoss` (predictions and
 * targets of one shape, `T = tf.Tensor`).
 */
export type LossFn<T extends tf.Tensor = tf.Tensor1D> = (outputs: tf.Tensor2D, targets: T) => tf.Scalar;

/** Options of {@link trainStep}. */
export interface TrainStepOptions<T extends tf.Tensor = tf.Tensor1D> {
  /** The loss to minimise, e.g. `crossEntropyLoss` or `mseLoss`. */
  lossFn: LossFn<T>;
  /** The optimizer that updates the model's weights, e.g. `tf.train.adam(1e-3)`. */
  optimizer: tf.Optimizer;
}

/** Options of {@link valStep} on a classifier. */
export interface ValStepOptions<T extends tf.Tensor = tf.Tensor1D> {
  /** The loss to report, e.g. `crossEntropyLoss`. */
  lossFn: LossFn<T>;
  /**
   * What the model predicts: a class (`'classification'`: accuracy is measured; targets must be
   * int32 class indices).
   * @default 'classification'
   */
  task?: 'classification';
}

/** Options of {@link valStep} on a regression model. */
export interface RegressionValStepOptions<T extends tf.Tensor = tf.Tensor> {
  /** The loss to report, e.g. `mseLoss`. */
  lossFn: LossFn<T>;
  /** What the model predicts: a number (mean absolute error and R² are measured). */
  task: 'regression';
}

/** What {@link valStep} returns on a classifier. */
export interface ValResult {
  /** Mean of the batch losses (`total_loss / len(loader)`). */
  loss: number;
  /** Correct predictions over all examples (`total_correct / len(loader.dataset)`). */
  accuracy: number;
}

/** What {@link valStep} returns on a regression model (`task: 'regression'`). */
export interface RegressionValResult {
  /** Mean of the batch losses (`total_loss / len(loader)`). */
  loss: number;
  /** Mean of `|prediction - target|` over all examples, in the target's unit (`meanAbsoluteError`). */
  meanAbsoluteError: number;
  /** R² over all examples: 1 is perfect, 0 is no better than predicting the mean (`r2Score`). */
  r2: number;
}

/** Outputs `[batch, outputs]` of `model` on `x`. */
function forward(model: Model, x: tf.Tensor, training: boolean): tf.Tensor2D {
  const outputs = typeof model === 'function' ? model(x, training) : model.apply(x, { training });
  if (Array.isArray(outputs) || !(outputs instanceof tf.Tensor) || outputs.rank !== 2) {
    const shape = outputs instanceof tf.Tensor ? `[${outputs.shape.join(', ')}]` : 'not a single tensor';
    throw new Error(`trainStep/valStep: the model's output is ${shape}, expected [batch, outputs] (logits [batch, classes], or predictions [batch, 1])`);
  }
  return outputs as tf.Tensor2D;
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
 * @param model - a layers model or a function giving outputs `[batch, outputs]`.
 * @param loader - batches `[x, y]`, e.g. `x: [batch, 4]` float32, `y: [batch]` int32 (classes) or
 *   `y: [batch, 1]` float32 (regression).
 * @param options - `{ lossFn, optimizer }`.
 * @returns the mean training loss over the epoch's batches.
 * @example
 * ```ts
 * const trainLoss = await trainStep(model, trainLoader, { lossFn: crossEntropyLoss, optimizer });
 * ```
 */
export async function trainStep<T extends tf.Tensor = tf.Tensor1D>(model: Model, loader: BatchSource, options: TrainStepOptions<T>): Promise<number> {
  const { lossFn, optimizer } = options;
  let totalLoss = 0;
  for await (const [x, y] of loader) {
    const loss = optimizer.minimize(() => lossFn(forward(model, x, true), y as T), true);
    if (loss === null) throw new Error('trainStep: optimizer.minimize returned no loss');
    totalLoss += loss.dataSync()[0] as number;
    loss.dispose();
  }
  return totalLoss / loader.length;
}

/**
 * One epoch of evaluation (every batch of `loader`) without training: the mean batch loss and the
 * metrics that fit the task. A classifier (the default) reports accuracy (the share of examples
 * whose highest logit is the target class); with `task: 'regression'` the mean absolute error and
 * R² over all examples. The name is the tutorial's (`val_step()` runs over the whole validation
 * loader).
 *
 * Float targets without `task: 'regression'` are refused at the first batch: accuracy means
 * nothing for a number to predict, and a silent accuracy of 0 would look like a bug in the model.
 *
 * No gradients are computed; each batch runs in `tf.tidy`, so nothing leaks.
 *
 * PyTorch: the tutorial's `val_step()` (`model.eval()` and `torch.inference_mode()`), returning
 * `{ loss: total_loss / len(val_loader), accuracy: total_correct / len(val_loader.dataset) }`; for
 * regression scikit-learn's `mean_absolute_error` and `r2_score` over the loader's examples.
 *
 * @param model - a layers model or a function giving outputs `[batch, outputs]`.
 * @param loader - batches `[x, y]`: `y: [batch]` int32 class indices, or (regression) float
 *   targets with one value per model output.
 * @param options - `{ lossFn }`, or `{ lossFn, task: 'regression' }`.
 * @returns mean loss and accuracy, or mean loss, mean absolute error and R²: plain numbers.
 * @example
 * ```ts
 * const { loss, accuracy } = await valStep(model, valLoader, { lossFn: crossEntropyLoss });
 * const { meanAbsoluteError, r2 } = await valStep(model, valLoader, { lossFn: mseLoss, task: 'regression' });
 * ```
 */
export async function valStep<T extends tf.Tensor = tf.Tensor1D>(model: Model, loader: BatchSource, options: ValStepOptions<T>): Promise<ValResult>;
export async function valStep<T extends tf.Tensor = tf.Tensor>(model: Model, loader: BatchSource, options: RegressionValStepOptions<T>): Promise<RegressionValResult>;
export async function valStep<T extends tf.Tensor>(
  model: Model,
  loader: BatchSource,
  options: ValStepOptions<T> | RegressionValStepOptions<T>,
): Promise<ValResult | RegressionValResult> {
  const { lossFn, task = 'classification' } = options;
  if (task !== 'classification' && task !== 'regression') {
    throw new Error(`valStep: task is ${JSON.stringify(task)}, expected 'classification' (the default) or 'regression'`);
  }
  let totalLoss = 0;
  if (task === 'regression') {
    const predictions: number[] = [];
    const targets: number[] = [];
    for await (const [x, y] of loader) {
      totalLoss += tf.tidy(() => {
        const outputs = forward(model, x, false);
        if (outputs.size !== y.size) {
          throw new Error(
            `valStep: the model gives ${outputs.size} values ([${outputs.shape.join(', ')}]) for a batch of ${y.size} targets ` +
              `([${y.shape.join(', ')}]), expected one prediction per target (a last layer with 1 unit)`,
          );
        }
        const batchLoss = lossFn(outputs, y as T).dataSync()[0] as number;
        predictions.push(...outputs.dataSync());
        targets.push(...y.dataSync());
        return batchLoss;
      });
    }
    return { loss: totalLoss / loader.length, meanAbsoluteError: meanAbsoluteError(predictions, targets), r2: r2Score(predictions, targets) };
  }
  let totalCorrect = 0;
  for await (const [x, y] of loader) {
    if (y.dtype !== 'int32') {
      throw new Error(
        `valStep: the targets are ${y.dtype}, expected int32 class indices: valStep measures accuracy unless told otherwise. ` +
          "For a model that predicts numbers pass { lossFn, task: 'regression' } (mean absolute error and R²); for classes, make the targets int32",
      );
    }
    const [loss, correct] = tf.tidy(() => {
      const logits = forward(model, x, false);
      const batchLoss = lossFn(logits, y as T);
      const predictions = tf.argMax(logits, 1); // [batch] int32
      const numCorrect = tf.sum(tf.cast(tf.equal(predictions, y), 'int32'));
      return [batchLoss.dataSync()[0] as number, numCorrect.dataSync()[0] as number];
    });
    totalLoss += loss;
    totalCorrect += correct;
  }
  return { loss: totalLoss / loader.length, accuracy: totalCorrect / loader.dataset.length };
}
