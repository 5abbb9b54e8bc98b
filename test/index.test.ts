// The public API: what `src/index.ts` exports, and that the notebooks use nothing else.
//
// Growing the API is a decision: adding an export means adding its name below (and to the README's
// table), in the same change.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const root = new URL('../', import.meta.url).pathname;

/** Every name an entry file of `src/` exports, split into values and types-only, sorted. */
function moduleExports(entry: string): { values: string[]; types: string[] } {
  const file = join(root, entry);
  const program = ts.createProgram([file], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  assert.ok(source !== undefined, `${entry} not found`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  assert.ok(moduleSymbol !== undefined, `${entry} is not a module`);
  const values: string[] = [];
  const types: string[] = [];
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    (target.flags & ts.SymbolFlags.Value ? values : types).push(symbol.getName());
  }
  return { values: values.sort(), types: types.sort() };
}

/** The source entry file of each subpath the package exports (`"./checks"` → `src/checks/index.ts`), from package.json. */
function packageEntries(): Map<string, string> {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, { default: string }> };
  return new Map(
    Object.entries(manifest.exports).map(([subpath, target]) => [
      subpath === '.' ? 'trainbook' : `trainbook/${subpath.slice(2)}`,
      target.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'),
    ]),
  );
}

const VALUES = [
  'AG_NEWS_CLASSES', 'AgNewsDataset', 'DataLoader', 'EmbeddingBag', 'FASHION_MNIST_CLASSES', 'History',
  'KeyboardInterrupt', 'StepLR', 'Subset', 'TensorDataset', 'TextClassificationModel', 'TorchGenerator', 'Vocab',
  'agNewsPipeline', 'agNewsSplits', 'allClose', 'basicEnglish', 'buildVocabFromIterator', 'clipGradNorm', 'crossEntropyLoss',
  'currentAccelerator', 'downloadAgNews', 'getTokenizer', 'inTslabKernel', 'interruptSignal', 'irisClassifier',
  'isInterrupted', 'isNativeBackendInstalled', 'liveChart', 'loadAgNews', 'loadFashionMNIST', 'loadIris', 'loadModel', 'loadStateDict',
  'makeCollateBatch', 'nativeBackendStatus', 'plotHistory', 'progress', 'randomSplit', 'readCSV', 'saveModel', 'saveStateDict',
  'setDisplaySink', 'showFigure', 'showImages', 'showTable', 'sparseTrainBatch', 'stateDict', 'throwIfInterrupted',
  'torchLinearInit', 'trainStep', 'valStep', 'loadTable', 'mseLoss', 'meanAbsoluteError', 'r2Score', 'StandardScaler',
];

const TYPES = [
  'Accelerator', 'AcceleratorName', 'AgNewsPipelineResult', 'AgNewsRow', 'AgNewsSplitsOptions', 'AgNewsSplitsResult', 'AllCloseOptions',
  'BatchDataset', 'BuildVocabOptions', 'CollateOptions', 'CurrentAcceleratorOptions', 'DataLoaderOptions', 'Dataset',
  'DisplaySink', 'DownloadAgNewsOptions', 'EmbeddingBagOptions', 'EpochMetrics', 'FashionMNISTOptions', 'FigureOptions',
  'Iris', 'LabelledImages', 'LabelledText', 'LiveChart', 'LiveChartOptions', 'LoadStateDictOptions', 'LoadStateDictResult',
  'LossFn', 'MimeBundle', 'NativeBackendStatus', 'PlotHistoryOptions', 'PlotlyFigure', 'Progress', 'ProgressOptions', 'RandomSplitOptions',
  'ReadCsvOptions', 'ShowImagesOptions', 'SparseTrainBatchOptions', 'StepLROptions', 'TableOptions', 'TextBatch',
  'TextClassificationModelOptions', 'Tokenizer', 'TorchLinearInitOptions', 'TrainStepOptions', 'ValResult', 'ValStepOptions', 'LoadTableOptions', 'Table', 'Classifier', 'Model', 'RegressionValResult', 'RegressionValStepOptions',
];

/** `{ name, from, file }` for every name a notebook's code cells import from "trainbook" or one of its subpaths. */
function notebookImports(): { name: string; from: string; file: string }[] {
  const found: { name: string; from: string; file: string }[] = [];
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return walk(path);
      return entry.endsWith('.ipynb') && !entry.includes('.ipynb_checkpoints') ? [path] : [];
    });
  for (const file of walk(join(root, 'notebooks'))) {
    const notebook = JSON.parse(readFileSync(file, 'utf8')) as { cells: { cell_type: string; source: string | string[] }[] };
    for (const cell of notebook.cells) {
      if (cell.cell_type !== 'code') continue;
      const code = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
      const parsed = ts.createSourceFile('cell.ts', code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
      for (const statement of parsed.statements) {
        if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
        const from = statement.moduleSpecifier.text;
        if (from !== 'trainbook' && !from.startsWith('trainbook/')) continue;
        const bindings = statement.importClause?.namedBindings;
        assert.ok(bindings !== undefined && ts.isNamedImports(bindings), `${file}: import named exports from "${from}" (import { ... } from "${from}")`);
        for (const element of bindings.elements) found.push({ name: (element.propertyName ?? element.name).text, from, file });
      }
    }
  }
  return found;
}

describe('the public API (src/index.ts)', () => {
  const { values, types } = moduleExports('src/index.ts');

  it('exports exactly the listed values', () => {
    assert.deepEqual(values, [...VALUES].sort());
  });

  it('exports exactly the listed types', () => {
    assert.deepEqual(types, [...TYPES].sort());
  });

  it('exports no tooling or internals', () => {
    for (const name of ['plotlyInjected', 'resetPlotlyInjection', 'takePlotlyLibrary', 'tslabSink', 'RecordingSink', 'bestSingleMime', 'escapeHtml', 'nativeBlasPath', 'lcgUniform', 'parseCsvRecords', 'md5File', 'Generator']) {
      assert.ok(!values.includes(name) && !types.includes(name), `${name} is exported`);
    }
  });

  it('covers every name the notebooks import from "trainbook" (and its subpaths, e.g. "trainbook/checks")', () => {
    const imports = notebookImports();
    assert.ok(imports.length > 40, `found only ${imports.length} imports in notebooks/`);
    const entries = packageEntries();
    const exported = new Map<string, Set<string>>();
    const missing: string[] = [];
    for (const { name, from, file } of imports) {
      const entry = entries.get(from);
      if (entry === undefined) {
        missing.push(`"${from}" is not a subpath package.json exports (${file.slice(root.length)})`);
        continue;
      }
      if (!exported.has(from)) {
        const names = moduleExports(entry);
        exported.set(from, new Set([...names.values, ...names.types]));
      }
      if (!exported.get(from)?.has(name)) missing.push(`${name} from "${from}" (${file.slice(root.length)}; ${entry} does not export it)`);
    }
    assert.deepEqual(missing, [], `notebooks import names that are not exported: ${missing.join(', ')}`);
  });
});
