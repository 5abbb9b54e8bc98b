/**
 * The text classification tutorial's model: an `EmbeddingBag` (mean) followed by one linear layer.
 */
import * as tf from '@tensorflow/tfjs';
import { EmbeddingBag } from './embedding-bag.js';
import { TorchGenerator } from '../data/torch-generator.js';

/** Options of {@link TextClassificationModel}. */
export interface TextClassificationModelOptions {
  /** Shorthand for `generator: new TorchGenerator(seed)`. Not together with `generator`. @default 0 */
  seed?: number;
  /**
   * The generator the weights are drawn from, exactly as PyTorch's constructor draws them:
   * `nn.EmbeddingBag`'s and `nn.Linear`'s own initial values first (drawn, then overwritten, as in
   * PyTorch), then `init_weights`. The weights and the generator's next draws are PyTorch's.
   * @default new TorchGenerator(seed)
   */
  generator?: TorchGenerator;
}

/**
 * `EmbeddingBag(vocabSize, embedDim)` in mean mode, then `Linear(embedDim, numClass)`: the bag of
 * a text's token ids becomes one vector, and the vector becomes `numClass` scores.
 *
 * Parameters use PyTorch's names and layouts: `embedding.weight` [vocabSize, embedDim],
 * `fc.weight` [numClass, embedDim], `fc.bias` [numClass]. `initWeights` draws both weights from
 * uniform(-0.5, 0.5) (from a {@link TorchGenerator}: PyTorch's exact weights) and
 * zeroes the bias, as the tutorial's `init_weights`.
 * The course writes this class out in `notebooks/ag-news/04-model.ipynb`; this is the same code for
 * the notebooks that follow.
 *
 * PyTorch: `TextClassificationModel(vocab_size, embed_dim, num_class)` from the text classification
 * tutorial.
 *
 * @example
 * const model = new TextClassificationModel(vocab.length, 64, 4, { seed: 0 });
 * const logits = model.apply(text, offsets); // [batch, 4]
 */
export class TextClassificationModel {
  readonly embedding: EmbeddingBag;
  /** [numClass, embedDim], PyTorch's layout for `nn.Linear`. */
  readonly fcWeight: tf.Variable<tf.Rank.R2>;
  /** [numClass] */
  readonly fcBias: tf.Variable<tf.Rank.R1>;

  constructor(vocabSize: number, embedDim: number, numClass: number, options: TextClassificationModelOptions = {}) {
    const { seed = 0 } = options;
    if (options.generator !== undefined && options.seed !== undefined) {
      throw new Error('TextClassificationModel: got both seed and generator; pass one ({ seed: n } is short for { generator: new TorchGenerator(n) })');
    }
    const generator = options.generator ?? new TorchGenerator(seed);
    this.embedding = new EmbeddingBag(vocabSize, embedDim, { generator });
    // nn.Linear's reset_parameters: kaiming_uniform_(a=sqrt(5)) on the weight and uniform_ on the
    // bias, both with bound 1/sqrt(fan_in). init_weights overwrites them, but they are drawn.
    const bound = 1 / Math.sqrt(embedDim);
    generator.uniform(numClass * embedDim, -bound, bound);
    generator.uniform(numClass, -bound, bound);
    this.fcWeight = tf.variable(tf.zeros([numClass, embedDim]) as tf.Tensor2D);
    this.fcBias = tf.variable(tf.zeros([numClass]) as tf.Tensor1D);
    this.initWeights(generator);
  }

  /**
   * Embedding and linear weights from uniform(-0.5, 0.5), bias 0. PyTorch: the tutorial's `init_weights`.
   *
   * @param generator - where PyTorch's values are drawn from (the embedding first, then the linear weight).
   */
  initWeights(generator: TorchGenerator): void {
    const initRange = 0.5;
    tf.tidy(() => {
      const uniform = (shape: [number, number]): tf.Tensor2D =>
        tf.tensor2d(generator.uniform(shape[0] * shape[1], -initRange, initRange), shape);
      this.embedding.weight.assign(uniform(this.embedding.weight.shape));
      this.fcWeight.assign(uniform(this.fcWeight.shape));
      this.fcBias.assign(tf.zerosLike(this.fcBias));
    });
  }

  /** Scores [batch, numClass] for `text` [numIds] int32 and `offsets` [batch] int32. Caller disposes. PyTorch: `forward(text, offsets)`. */
  apply(text: tf.Tensor1D, offsets: tf.Tensor1D | ArrayLike<number>): tf.Tensor2D {
    return tf.tidy(() => {
      const embedded = this.embedding.apply(text, offsets); // [batch, embedDim]
      return tf.add(tf.matMul(embedded, this.fcWeight, false, true), this.fcBias); // [batch, numClass]
    });
  }

  /** The trainable variables by PyTorch name. PyTorch: `model.state_dict()` (the variables themselves, not copies). */
  namedParameters(): Record<string, tf.Variable> {
    return { 'embedding.weight': this.embedding.weight, 'fc.weight': this.fcWeight, 'fc.bias': this.fcBias };
  }

  /** The trainable variables. PyTorch: `model.parameters()`. */
  parameters(): tf.Variable[] {
    return Object.values(this.namedParameters());
  }

  /**
   * Copies of the parameters by PyTorch name, e.g. for `saveStateDict(model.stateDict(), path)`.
   * Caller disposes. PyTorch: `model.state_dict()`.
   */
  stateDict(): Record<string, tf.Tensor> {
    const dict: Record<string, tf.Tensor> = {};
    for (const [name, variable] of Object.entries(this.namedParameters())) dict[name] = tf.clone(variable);
    return dict;
  }

  /**
   * Copies parameters from a dictionary with the names and shapes of {@link stateDict} (e.g. from
   * `loadStateDict(path)`). Everything is checked before anything changes; the caller still
   * owns the dictionary. PyTorch: `model.load_state_dict(state_dict)` (strict).
   */
  loadStateDict(dict: Record<string, tf.Tensor>): void {
    const params = this.namedParameters();
    const missing = Object.keys(params).filter((name) => !(name in dict));
    const unexpected = Object.keys(dict).filter((name) => !(name in params));
    if (missing.length > 0 || unexpected.length > 0) {
      throw new Error(
        `TextClassificationModel.loadStateDict: missing keys [${missing.join(', ')}], unexpected keys [${unexpected.join(', ')}]; ` +
          `expected exactly ${Object.keys(params).join(', ')}`,
      );
    }
    for (const [name, variable] of Object.entries(params)) {
      const value = dict[name] as tf.Tensor;
      if (!tf.util.arraysEqual(value.shape, variable.shape)) {
        throw new Error(
          `TextClassificationModel.loadStateDict: ${name} has shape [${value.shape.join(', ')}], expected [${variable.shape.join(', ')}] ` +
            '(was the checkpoint made with another vocabulary?)',
        );
      }
    }
    for (const [name, variable] of Object.entries(params)) variable.assign(dict[name] as tf.Tensor);
  }

  /** Frees the variables. */
  dispose(): void {
    tf.dispose(this.parameters());
  }
}
