/**
 * trainbook: the cell library that the course notebooks import.
 *
 * Each section below re-exports one group of `src/`; the notebooks only import from here.
 */

// --- data ---
export { Generator, deriveSeed, permutation, shuffle } from './data/random.js';
export { TorchGenerator, torchEpochOrder } from './data/torch-generator.js';
export { Subset, isBatchDataset } from './data/dataset.js';
export type { BatchDataset, Batched, BatchedTensor, Dataset, Unbatched, UnbatchedTensor } from './data/dataset.js';
export { TensorDataset } from './data/tensor-dataset.js';
export { randomSplit, splitLengths, type RandomSplitOptions } from './data/random-split.js';
export { DataLoader, type DataLoaderOptions } from './data/data-loader.js';
export { readCSV, type ReadCsvOptions } from './data/csv.js';
export { IRIS_COLUMNS, loadIris, type Iris } from './data/iris.js';

// --- train ---
export { crossEntropyLoss } from './train/losses.js';
export { trainStep, valStep } from './train/steps.js';
export type { BatchSource, Classifier, LossFn, TrainStepOptions, ValResult, ValStepOptions } from './train/steps.js';
export { History, type EpochMetrics, type HistoryJSON } from './train/history.js';
export { irisClassifier } from './train/iris-classifier.js';
export { clipGradNorm } from './train/clip-grad-norm.js';
export type { ClippedGrads } from './train/clip-grad-norm.js';
export { StepLR } from './train/step-lr.js';
export type { LearningRateHolder, StepLROptions } from './train/step-lr.js';
export { ACCELERATOR_NAMES, currentAccelerator } from './train/accelerator.js';
export type { Accelerator, AcceleratorName, CurrentAcceleratorOptions } from './train/accelerator.js';
export { useFastWasmKernels, type FastWasmKernels, type FastWasmKernelsOptions } from './train/wasm-kernels.js';
export { loadNativeBlas, nativeBlasPath, type NativeBlas } from './train/native-blas.js';
export { interruptSignal, isInterrupted, KeyboardInterrupt, throwIfInterrupted } from './runtime/interrupt.js';

// --- io ---
export {
  MODEL_JSON,
  WEIGHTS_BIN,
  allClose,
  fileSystem,
  loadModel,
  loadStateDict,
  loadStateDictFile,
  saveModel,
  saveStateDict,
  stateDict,
  type AllCloseOptions,
  type LoadStateDictOptions,
  type LoadStateDictResult,
} from './io/save-load.js';

// --- display ---
export {
  MIME_PREFERENCE,
  RecordingSink,
  bestSingleMime,
  consoleSink,
  getDisplaySink,
  inTslabKernel,
  newDisplayId,
  setDisplaySink,
  tslabSink,
  type DisplaySink,
  type JsonValue,
  type MimeBundle,
  type RecordedMessage,
  type TslabDisplay,
  type TslabModule,
} from './display/sink.js';
export { escapeHtml } from './display/html.js';
export {
  PLOTLY_MIME,
  figureBundle,
  figureHtml,
  figureJson,
  figureText,
  newPlotId,
  plotlyInjected,
  plotlyLibraryHtml,
  plotlyVersion,
  resetPlotlyInjection,
  showFigure,
  takePlotlyLibrary,
  type FigureOptions,
  type PlotlyFigure,
  type PlotlyTrace,
} from './display/plotly.js';
export { historyFigure, metricLabel, plotHistory, type HistoryLike, type MetricHistory, type PlotHistoryOptions } from './display/plot.js';
export { liveChart, type LiveChart, type LiveChartOptions } from './display/live-chart.js';
export { formatDuration, progress, type Progress, type ProgressInfo, type ProgressOptions } from './display/progress.js';
export { showTable, tableHtml, tableText, type FrameLike, type TableOptions, type Tabular } from './display/table.js';
export { tensorToText, type TensorLike, type TensorTextOptions } from './display/tensor-text.js';

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
export { agNewsPipeline, agNewsSplits } from './text/ag-news-course.js';
export type { AgNewsPipelineResult, AgNewsSplitsOptions, AgNewsSplitsResult } from './text/ag-news-course.js';
export { AG_NEWS_BASE_URL, AG_NEWS_MD5, downloadAgNews, md5File } from './text/download.js';
export type { AgNewsSplit, DownloadAgNewsOptions, DownloadResult } from './text/download.js';
export { sparseTrainStep } from './text/sparse-step.js';
export type { SparseTrainStepOptions } from './text/sparse-step.js';

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
export { grayscalePng, showImages, type LabelledImages, type ShowImagesOptions } from './vision/show-images.js';
