/**
 * trainbook: the cell library that the course notebooks import.
 *
 * Each section below re-exports one group of `src/`; the notebooks only import from here.
 */

// --- data ---

// --- train ---

// --- io ---

// --- display ---

// --- text (AG News) ---
export { AG_NEWS_CLASSES, AgNewsDataset, agNewsText, loadAgNews, parseAgNewsCsv, parseCsvRecords, readAgNewsCsv } from './text/ag-news-csv.js';
export type { AgNewsRow, AgNewsSplits } from './text/ag-news-csv.js';
export { basicEnglish, getTokenizer } from './text/tokenizer.js';
export type { Tokenizer } from './text/tokenizer.js';
export { Vocab, buildVocabFromIterator } from './text/vocab.js';
export type { BuildVocabOptions } from './text/vocab.js';
export { collateArrays, makeCollateBatch } from './text/collate.js';
export type { CollateOptions, LabelledText, TextBatch } from './text/collate.js';
export { EmbeddingBag, embeddingBagMean } from './text/embedding-bag.js';
export type { EmbeddingBagOptions } from './text/embedding-bag.js';
export { TextClassificationModel } from './text/text-classification-model.js';
export type { TextClassificationModelOptions } from './text/text-classification-model.js';
export { clipGradNorm } from './text/clip-grad-norm.js';
export type { ClippedGrads } from './text/clip-grad-norm.js';
export { StepLR } from './text/step-lr.js';
export type { LearningRateHolder, StepLROptions } from './text/step-lr.js';

// --- vision (Fashion-MNIST) ---
export { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, parseIdx, readIdx, type IdxArray } from './vision/idx.js';
export {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_IMAGE_SIZE,
  fashionMNISTFiles,
  loadFashionMNIST,
  readFashionMNIST,
  type FashionMNISTArrays,
  type FashionMNISTOptions,
} from './vision/fashion-mnist.js';
export { lcgUniform, torchLinearInit, type TorchLinearInitOptions } from './vision/linear-init.js';
export { useFastWasmMatMul } from './vision/wasm-matmul.js';
