/**
 * trainbook/checks: the checks that the course's exercise cells call. Each runs the student's function against
 * a reference on small fixed data, prints a short confirmation when they agree and otherwise throws a
 * {@link CheckError} that says what differs and what to look at, never the solution's code.
 */
export { CheckError, NOT_DONE, runCheck, close, show, type CheckSpec, type Mistake } from './check.js';
export {
  checkAccuracyCount,
  checkBestEpoch,
  checkClassCounts,
  checkEpochAverages,
  checkFastestBackend,
  checkNumBatches,
  checkParameterCount,
  checkSplitSizes,
  checkStateDictCompare,
  checkTrainStep,
  type BackendTiming,
  type BatchResult,
  type ClassCountsOptions,
} from './iris.js';
export {
  checkCheckpointEpochs,
  checkClipGradNorm,
  checkCollate,
  checkConfusionMatrix,
  checkEmbeddingBagMean,
  checkPlateauSchedule,
  checkStepLR,
  checkVocabOrder,
  type StepLRSettings,
} from './ag-news.js';
export { checkMomentumStep, checkSoftmax, checkTestErrorLine, type MomentumSettings, type TestTotals } from './fashion-mnist.js';
export { checkColumnStats, checkRSquared, type ColumnStats } from './diabetes.js';
