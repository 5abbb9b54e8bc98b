/**
 * `StepLR`: multiply the learning rate by `gamma` every `stepSize` calls of `step()`.
 */

/**
 * Anything whose learning rate can be changed: of tf.js's optimizers, `tf.train.sgd` and
 * `tf.train.momentum` (not Adam, Adamax, Adagrad, Adadelta or RMSProp, which have no `setLearningRate`).
 */
export interface LearningRateHolder {
  setLearningRate(learningRate: number): void;
}

/** Options of {@link StepLR}. */
export interface StepLROptions {
  /** Number of `step()` calls between two decays (PyTorch's `step_size`). */
  stepSize: number;
  /** Factor applied to the learning rate at each decay. @default 0.1 */
  gamma?: number;
  /**
   * The optimizer's current learning rate. Needed only when it cannot be read from the optimizer
   * (tf.js's SGD keeps it in a `learningRate` field, which is read).
   * @default the optimizer's `learningRate`
   */
  initialLr?: number;
}

/**
 * Decays the learning rate of an optimizer by `gamma` every `stepSize` calls of {@link StepLR.step}.
 *
 * The tutorial calls `step()` once per epoch, and only when validation accuracy dropped. Each
 * decay sets the optimizer's learning rate with `setLearningRate`, which of tf.js's optimizers only
 * SGD (`tf.train.sgd`) and momentum (`tf.train.momentum`) have. Adam, Adamax, Adagrad, Adadelta and
 * RMSProp fix their learning rate when they are created, so `StepLR` refuses them (an error that
 * says so); to decay theirs, create a new optimizer with the smaller rate (which also restarts their
 * moment estimates).
 *
 * PyTorch: `torch.optim.lr_scheduler.StepLR(optimizer, step_size, gamma)`: same rule (the
 * learning rate after `n` steps is the previous one times `gamma` whenever `n % step_size == 0`),
 * `getLastLr()` is `get_last_lr()`. One parameter group; no `last_epoch` resume.
 *
 * @example
 * const optimizer = tf.train.sgd(5);
 * const scheduler = new StepLR(optimizer, { stepSize: 1, gamma: 0.1 });
 * scheduler.step();
 * scheduler.getLastLr(); // [0.5]
 */
export class StepLR {
  /** Number of `step()` calls so far (PyTorch's `last_epoch`). */
  lastEpoch = 0;
  readonly stepSize: number;
  readonly gamma: number;
  /** The learning rate before any decay. */
  readonly baseLr: number;
  private readonly optimizer: LearningRateHolder;
  private lr: number;

  constructor(optimizer: LearningRateHolder, options: StepLROptions) {
    const { stepSize, gamma = 0.1 } = options;
    if (!(stepSize > 0 && Number.isFinite(stepSize))) throw new Error(`StepLR: stepSize is ${stepSize}, expected a positive number`);
    if (!Number.isFinite(gamma)) throw new Error(`StepLR: gamma is ${gamma}, expected a number`);
    if (typeof (optimizer as Partial<LearningRateHolder> | null)?.setLearningRate !== 'function') {
      const name = (optimizer as object | null)?.constructor?.name ?? String(optimizer);
      throw new Error(
        `StepLR: the optimizer (${name}) has no setLearningRate, so StepLR cannot change its learning rate. ` +
          "Of tf.js's optimizers only tf.train.sgd and tf.train.momentum have it; Adam, Adamax, Adagrad, Adadelta and RMSProp " +
          'keep the rate they were created with (create a new optimizer with a smaller rate instead)',
      );
    }
    const fieldLr = (optimizer as unknown as { learningRate?: unknown }).learningRate;
    const initialLr = options.initialLr ?? (typeof fieldLr === 'number' ? fieldLr : undefined);
    if (initialLr === undefined) {
      throw new Error("StepLR: cannot read the optimizer's learning rate; pass it as { initialLr }");
    }
    this.optimizer = optimizer;
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.baseLr = initialLr;
    this.lr = initialLr;
  }

  /** Counts one step and decays the learning rate when the count is a multiple of `stepSize`. PyTorch: `scheduler.step()`. */
  step(): void {
    this.lastEpoch += 1;
    if (this.lastEpoch % this.stepSize === 0) {
      this.lr *= this.gamma;
      this.optimizer.setLearningRate(this.lr);
    }
  }

  /** The current learning rate, one per parameter group (here always one). PyTorch: `scheduler.get_last_lr()`. */
  getLastLr(): number[] {
    return [this.lr];
  }
}
