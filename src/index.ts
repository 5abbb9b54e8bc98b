/**
 * trainbook: the cell library that the course notebooks import.
 *
 * This is the public API: what a course author writes notebooks with (datasets and loaders,
 * losses, the epoch steps, schedulers, save and load, display). Each group re-exports from one
 * folder of `src/`; everything else (the tooling, helpers the tests and benchmarks use) is
 * imported from its module. `test/index.test.ts` lists these names, so growing the API is a visible
 * decision; the README has the table.
 */

// --- data: datasets, splits, loaders, the random source ---
export { TorchGenerator } from './data/torch-generator.js';
export { Subset } from './data/dataset.js';
export type { BatchDataset, Dataset } from './data/dataset.js';
export { TensorDataset } from './data/tensor-dataset.js';
export { randomSplit, type RandomSplitOptions } from './data/random-split.js';
export { DataLoader, type DataLoaderOptions } from './data/data-loader.js';
export { readCSV, type ReadCsvOptions } from './data/csv.js';
export { loadIris, type Iris } from './data/iris.js';
export { loadTable, type LoadTableOptions, type Table } from './data/table.js';
export { StandardScaler } from './data/standard-scaler.js';

// --- train: initialisation, losses, the epoch steps, gradient clipping, schedulers, backends ---
export { torchLinearInit, type TorchLinearInitOptions } from './train/linear-init.js';
export { crossEntropyLoss, mseLoss } from './train/losses.js';
export { meanAbsoluteError, r2Score } from './train/metrics.js';
export { trainStep, valStep } from './train/steps.js';
export type { Classifier, LossFn, Model, RegressionValResult, RegressionValStepOptions, TrainStepOptions, ValResult, ValStepOptions } from './train/steps.js';
export { History, type EpochMetrics } from './train/history.js';
export { irisClassifier } from './train/iris-classifier.js';
export { clipGradNorm } from './train/clip-grad-norm.js';
export { StepLR, type StepLROptions } from './train/step-lr.js';
export { currentAccelerator } from './train/accelerator.js';
export type { Accelerator, AcceleratorName, CurrentAcceleratorOptions } from './train/accelerator.js';
export { isNativeBackendInstalled, nativeBackendStatus, type NativeBackendStatus } from './train/native-backend.js';
export { allClose, type AllCloseOptions } from './train/all-close.js';
export { interruptSignal, isInterrupted, KeyboardInterrupt, throwIfInterrupted } from './runtime/interrupt.js';

// --- io: save and load ---
export {
  loadModel,
  loadStateDict,
  saveModel,
  saveStateDict,
  stateDict,
  type LoadStateDictOptions,
  type LoadStateDictResult,
} from './io/save-load.js';

// --- display ---
export { inTslabKernel, setDisplaySink, type DisplaySink, type MimeBundle } from './display/sink.js';
export { showFigure, type FigureOptions, type PlotlyFigure } from './display/plotly.js';
export { plotHistory, type PlotHistoryOptions } from './display/plot.js';
export { liveChart, type LiveChart, type LiveChartOptions } from './display/live-chart.js';
export { progress, type Progress, type ProgressOptions } from './display/progress.js';
export { showTable, type TableOptions } from './display/table.js';

// --- text (AG News) ---
export { AG_NEWS_CLASSES, AgNewsDataset, loadAgNews, type AgNewsRow } from './text/ag-news-csv.js';
export { agNewsPipeline, agNewsSplits, type AgNewsPipelineResult, type AgNewsSplitsOptions, type AgNewsSplitsResult } from './text/ag-news-course.js';
export { downloadAgNews, type DownloadAgNewsOptions } from './text/download.js';
export { basicEnglish, getTokenizer, type Tokenizer } from './text/tokenizer.js';
export { Vocab, buildVocabFromIterator, type BuildVocabOptions } from './text/vocab.js';
export { makeCollateBatch, type CollateOptions, type LabelledText, type TextBatch } from './text/collate.js';
export { EmbeddingBag, type EmbeddingBagOptions } from './text/embedding-bag.js';
export { TextClassificationModel, type TextClassificationModelOptions } from './text/text-classification-model.js';
export { sparseTrainBatch, type SparseTrainBatchOptions } from './text/sparse-train-batch.js';

// --- vision (Fashion-MNIST) ---
export { FASHION_MNIST_CLASSES, loadFashionMNIST, type FashionMNISTOptions } from './vision/fashion-mnist.js';
export { showImages, type LabelledImages, type ShowImagesOptions } from './vision/show-images.js';
