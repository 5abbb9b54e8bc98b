/**
 * Turning a list of `(label, text)` examples into the three tensors an `EmbeddingBag` model eats.
 */
import * as tf from '@tensorflow/tfjs';

/** One example as torchtext's AG_NEWS yields it: the class 1-4 and the text. */
export type LabelledText = readonly [label: number, text: string];

/** A batch for an EmbeddingBag model: labels [batch] int32, text [numIds] int32 (all texts' ids concatenated), offsets [batch] int32 (where each text starts). */
export type TextBatch = [labels: tf.Tensor1D, text: tf.Tensor1D, offsets: tf.Tensor1D];

/** Options of {@link makeCollateBatch}. */
export interface CollateOptions {
  /** Text to token ids, e.g. `(x) => vocab.lookupIndices(basicEnglish(x))`. */
  textPipeline: (text: string) => number[];
  /** Label as stored to class index. @default (label) => label - 1 (AG News classes 1-4 become 0-3) */
  labelPipeline?: (label: number) => number;
}

/**
 * The ids, offsets and labels of a batch as plain arrays (what {@link makeCollateBatch} puts in tensors).
 *
 * PyTorch: the list-building half of the tutorial's `collate_batch`.
 */
export function collateArrays(
  batch: readonly LabelledText[],
  options: CollateOptions,
): { labels: Int32Array; text: Int32Array; offsets: Int32Array } {
  const { textPipeline, labelPipeline = (label: number) => label - 1 } = options;
  const labels = new Int32Array(batch.length);
  const offsets = new Int32Array(batch.length);
  const pieces: number[][] = [];
  let total = 0;
  batch.forEach(([label, text], i) => {
    labels[i] = labelPipeline(label);
    const ids = textPipeline(text);
    offsets[i] = total;
    total += ids.length;
    pieces.push(ids);
  });
  const text = new Int32Array(total);
  pieces.forEach((ids, i) => text.set(ids, offsets[i]));
  return { labels, text, offsets };
}

/**
 * Makes the tutorial's `collate_batch`: a list of `(label, text)` examples becomes
 * `[labels, text, offsets]`, ready for `DataLoader`'s `collate` option.
 *
 * `labels` [batch] int32 are the classes 0-3, `text` [numIds] int32 the token ids of all texts one
 * after the other, `offsets` [batch] int32 the position where each text starts (the first is 0).
 * The caller (or the DataLoader) disposes the three tensors.
 *
 * PyTorch: `collate_batch` in the text classification tutorial (`label_pipeline`, `text_pipeline`,
 * `torch.cat`, `cumsum` of the lengths); int32 where PyTorch uses int64.
 *
 * @example
 * const collateBatch = makeCollateBatch({ textPipeline: (x) => vocab.lookupIndices(basicEnglish(x)) });
 * const trainLoader = new DataLoader(trainData, { batchSize: 64, shuffle: true, seed: 0, collate: collateBatch });
 * for await (const [labels, text, offsets] of trainLoader) {
 *   // labels [64], text [about 64 * 43], offsets [64]
 * }
 */
export function makeCollateBatch(options: CollateOptions): (batch: LabelledText[]) => TextBatch {
  return (batch) => {
    const { labels, text, offsets } = collateArrays(batch, options);
    return [tf.tensor1d(labels, 'int32'), tf.tensor1d(text, 'int32'), tf.tensor1d(offsets, 'int32')];
  };
}
