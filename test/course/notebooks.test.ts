// Every course notebook runs top to bottom, headless, on the project's kernel and on plain tslab (wasm backend),
// and on the project's kernel on the native tensorflow backend when it is installed, with no error output, and prints what its lesson says it prints. Iris runs in full (its 30 epochs
// take seconds); AG News and Fashion-MNIST in quick mode, whose numbers are PyTorch's on the same
// start and batches (test/golden/fashion-mnist/accuracy.json, "quick"). The lessons' own text is
// checked too: objectives first, a summary with the link to the next notebook last, no unused
// import, and every PyTorch number a lesson quotes equal to the golden file it comes from.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { kernelJson, type KnownKernel } from '../../src/jupyter/install-kernel.js';
import type { KernelSpec } from '../../src/jupyter/kernelspec.js';
import { readNotebook, type Output } from '../../src/notebook/nbformat.js';
import { runNotebook, type RunResult } from '../../src/notebook/run.js';
import { skipUnlessSlow } from '../slow.js';
import { skipUnlessNative } from '../backends.js';

// PyTorch's numbers for the quick Fashion-MNIST run (first 2,000 training images, one epoch).
const fashionQuick = (JSON.parse(readFileSync('test/golden/fashion-mnist/accuracy.json', 'utf8')) as { quick: Record<'sgd' | 'momentum', { accuracy: number; avg_loss: number }[]> }).quick;
const fashionSteps = JSON.parse(readFileSync('test/golden/fashion-mnist/step-losses.json', 'utf8')) as Record<'sgd_lr_1e-3', number[]>;
const diabetes = JSON.parse(readFileSync('test/golden/diabetes/golden.json', 'utf8')) as {
  epochs: { trainLoss: number; valLoss: number; valMeanAbsoluteError: number; valR2: number }[];
  test: { loss: number; meanAbsoluteError: number; r2: number };
};
/** `x` printed with `places` decimals as a regex source, the last decimal free (float rounding). */
function digits(x: number, places: number): string {
  return `${x.toFixed(places).slice(0, -1).replace('.', '\\.')}\\d`;
}

/** What the course test checks beyond the generic checks every section gets. */
interface SectionChecks {
  /** Run in quick mode (`quick = true`). @default true */
  quick?: boolean;
  /** What each notebook must print. @default nothing beyond the generic checks */
  expectedText?: Record<string, RegExp[]>;
}

// The sections are the course guide's (notebooks/course.json), in its order: a new section is run
// and checked by adding it there. Below, per folder, only what a section's lessons print.
const CHECKS: Record<string, SectionChecks> = {
  iris: {
    quick: false,
    expectedText: {
      '01-load.ipynb': [/150 of 150 examples agree/, /setosa: 50, versicolor: 50, virginica: 50/],
      '02-split.ipynb': [/train: 105 {2}validation: 30 {2}test: 15/, /same rows as PyTorch: true true true/, /rows used: 150 {2}distinct: 150/, /\[ 106, 30, 15 \]/],
      '03-dataloader.ipynb': [/batches per epoch: 11 3 2/, /with the last partial batch: \[\s*10, 10, 10, 10, 10,\s*10, 10, 10, 10, 10,\s*5\s*\]/],
      '04-model.ipynb': [/largest difference between forward\(\) and the sequential model: 0\n/, /same weights as the library's irisClassifier: true/],
      '05-train-step.ipynb': [/tensors before: (\d+) {2}after: \1\b/],
      '07-epochs.ipynb': [/validation accuracy after 30 epochs: 0\.9\d\d|validation accuracy after 30 epochs: 1\.000/],
      '08-accelerator.ipynb': [/fastest on this machine for Iris, this time: (wasm|cpu|tensorflow)/],
      '09-save-load.ipynb': [/all parameters match/, /same test outputs: true/],
    },
  },
  'ag-news': {
    expectedText: {
      '01-data-and-split.ipynb': [/offline: training on a split of test\.csv/, /\[ 3928, 5405, 3032, 5613, 2056 \]/, /train 5700 {2}valid 300 {2}test 1600/, /train true {2}valid true {2}test true/],
      // A quick run's pool is its 640 training texts, so validation has unknown words too; the full run is checked below.
      '02-tokenizer-and-vocab.ipynb': [/validation: \d+ tokens, [1-9]\d*\.\d% unknown/, /test: +\d+ tokens, [1-9]\d*\.\d% unknown/],
      '03-dataloader-collate.ipynb': [/^true$/m],
      '04-model.ipynb': [/largest difference: 0/],
      '06-training-loop.ipynb': [/end of epoch {2}2/, /reloaded model/, /sparseTrainBatch [\d.]+ \([\d.]+ times faster\)/],
      '07-curves.ipynb': [/^2 epochs; validation accuracy per epoch: 0\.\d{3} 0\.\d{3}$/m],
      '08-test-and-predict.ipynb': [/test accuracy 0\.\d+ on 256 texts/],
    },
  },
  'fashion-mnist': {
    expectedText: {
      '01-data-and-model.ipynb': [/training examples: 2000, test examples: 10000/, /its label: 9 \(Ankle boot\)/, /Shape of X \[N, H, W\]: \[64,28,28\]/, /Total params: 669706/],
      '02-optimization-loop.ipynb': [
        // PyTorch's first loss and its quick-run test results, plain SGD then momentum, to the printed digits (the last may differ by float rounding)
        new RegExp(`loss: ${digits(fashionSteps['sgd_lr_1e-3'][0]!, 6)} {2}\\[ {3}64/ 2000\\]`),
        ...(['sgd', 'momentum'] as const).map((run) => new RegExp(`Test Error: \\n Accuracy: ${(100 * fashionQuick[run][0]!.accuracy).toFixed(1).replace('.', '\\.')}%, Avg loss: ${digits(fashionQuick[run][0]!.avg_loss, 6)} \\n`)),
        /Done!/,
      ],
      '03-train-model.ipynb': [/Epoch 2\/2: train loss \d\.\d{4}, train accuracy \d+\.\d{2}%, validation loss \d\.\d{4}, validation accuracy \d+\.\d{2}%/],
    },
  },
  diabetes: {
    quick: false,
    expectedText: {
      '01-data-and-scaling.ipynb': [/train: 310 {2}validation: 66 {2}test: 66/, /no column "BMI"; the header names "age"/, /age {2}mean {3}49\.57 {3}standard deviation {2}12\.73/],
      // PyTorch's first and last epoch and its test set (test/golden/diabetes/golden.json), to the printed digits
      '02-train-and-save.ipynb': [
        ...[0, 29].map((k) => {
          const e = diabetes.epochs[k]!;
          return new RegExp(`epoch ${String(k + 1).padStart(2)} {2}lr 0\\.\\d{5} {2}train loss +${digits(e.trainLoss, 1)} {2}validation loss ${digits(e.valLoss, 1)} {2}MAE ${digits(e.valMeanAbsoluteError, 2)} {2}R² ${digits(e.valR2, 3)}`);
        }),
        new RegExp(`test: loss ${digits(diabetes.test.loss, 1)} {2}MAE ${digits(diabetes.test.meanAbsoluteError, 2)} {2}R² ${digits(diabetes.test.r2, 3)}`),
        /same predictions as the trained model: true/,
      ],
    },
  },
};

interface Guide {
  sections: { folder: string; title: string; minutes: Record<string, number> }[];
}
const guide = JSON.parse(readFileSync('notebooks/course.json', 'utf8')) as Guide;

interface Section {
  dir: string;
  quick: boolean;
  expectedText: Record<string, RegExp[]>;
}
const SECTIONS: Section[] = guide.sections.map((s) => ({
  dir: `notebooks/${s.folder}`,
  quick: CHECKS[s.folder]?.quick ?? true,
  expectedText: CHECKS[s.folder]?.expectedText ?? {},
}));

test('the course test\'s lesson checks are for sections the course guide lists', () => {
  assert.deepEqual(Object.keys(CHECKS).filter((folder) => !guide.sections.some((s) => s.folder === folder)), []);
});

/** The kernel's spec, with the backend `currentAccelerator()` must pick in it. */
function spec(kernel: KnownKernel, backend: 'wasm' | 'tensorflow'): KernelSpec {
  const json = kernelJson(kernel);
  return { name: kernel, resourceDir: process.cwd(), ...json, env: { ...json.env, TRAINBOOK_BACKEND: backend } };
}

// Both kernels on wasm (the default everyone has); the project's kernel also on the native backend when it is
// installed (npx trainbook install-native), and there it must be in CI.
const RUNS = [
  { kernel: 'trainbook', backend: 'wasm', skip: false },
  { kernel: 'tslab', backend: 'wasm', skip: false },
  { kernel: 'trainbook', backend: 'tensorflow', skip: skipUnlessNative() },
] as const;

function text(output: Output): string {
  return output.output_type === 'stream' ? [output.text].flat().join('') : '';
}

function html(output: Output): string {
  if (output.output_type !== 'display_data') return '';
  const value = output.data['text/html'];
  return value === undefined ? '' : [value].flat().join('');
}

/** Outputs that a student would read as an error: error outputs and anything on stderr. */
function errorOutputs(result: RunResult): string[] {
  return result.cells.flatMap((cell) =>
    cell.outputs
      .filter((o) => o.output_type === 'error' || (o.output_type === 'stream' && o.name === 'stderr'))
      .map((o) => `cell ${cell.index + 1}: ${o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : text(o)}`),
  );
}

for (const section of SECTIONS) {
  const notebooks = readdirSync(section.dir)
    .filter((name) => name.endsWith('.ipynb'))
    .sort();

  test(`${section.dir} notebooks declare the trainbook kernel`, async () => {
    for (const name of notebooks) {
      const notebook = await readNotebook(join(section.dir, name));
      assert.equal(notebook.metadata.kernelspec?.name, 'trainbook', name);
    }
  });

  for (const { kernel, backend, skip } of RUNS) {
    describe(`${section.dir}${section.quick ? ' (quick mode)' : ''} on the ${kernel} kernel, ${backend} backend`, { skip: skipUnlessSlow('every course notebook, run top to bottom') || skip }, () => {
      for (const name of notebooks) {
        test(`${name} runs top to bottom with no error output and prints what its lesson says`, { timeout: 300_000 }, async () => {
          const result = await runNotebook(join(section.dir, name), { kernelSpec: spec(kernel, backend), quick: section.quick, cellTimeoutMs: 240_000 });
          assert.equal(result.status, 'ok', result.failure ? `${result.failure.message}\n${result.failure.error.traceback.join('\n')}` : 'failed');
          assert.deepEqual(errorOutputs(result), []);
          assert.deepEqual(
            result.cells.map((cell) => cell.executionCount),
            result.cells.map((_, i) => i + 1),
          );
          const printed = result.cells.flatMap((cell) => cell.outputs.map(text)).join('');
          for (const pattern of section.expectedText[name] ?? []) assert.match(printed, pattern);
          // Every exercise's solution passes its check (nbgrader grade cells; trainbook/checks prints ✔).
          const notebook = await readNotebook(join(section.dir, name));
          const checks = notebook.cells.filter((cell) => (cell.metadata as { nbgrader?: { grade?: boolean } }).nbgrader?.grade === true).length;
          assert.ok(checks >= 1, `${name} should end with at least one exercise and its check`);
          assert.equal(printed.match(/^✔ /gm)?.length ?? 0, checks, `every one of the ${checks} exercise checks should pass`);

          if (name === '07-epochs.ipynb') {
            const plots = result.cells.flatMap((cell) => cell.outputs.map(html)).filter((h) => h.includes('Plotly'));
            assert.ok(plots.length >= 2, `expected the live chart and the history plot, found ${plots.length} plot outputs`);
            assert.equal(plots.filter((h) => h.length > 1_000_000).length, 1, 'plotly.js should be embedded once in the notebook');
          }
        });
      }
    });
  }
}

// ---- The lessons' text ----

function markdown(cell: { cell_type: string; source: string | string[] }): string {
  return cell.cell_type === 'markdown' ? [cell.source].flat().join('') : '';
}

/** Imported names that no code cell of the notebook uses (comments do not count as uses). */
function unusedImports(cells: string[]): string[] {
  const imported: string[] = [];
  const used = new Set<string>();
  for (const code of cells) {
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node)) {
        const clause = node.importClause;
        if (clause?.name) imported.push(clause.name.text);
        const bindings = clause?.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings)) imported.push(bindings.name.text);
        if (bindings && ts.isNamedImports(bindings)) for (const element of bindings.elements) imported.push(element.name.text);
        return;
      }
      if (ts.isIdentifier(node)) used.add(node.text);
      ts.forEachChild(node, visit);
    };
    visit(ts.createSourceFile('cell.ts', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS));
  }
  return imported.filter((name) => !used.has(name));
}

test('unusedImports finds an import no code uses, even when a comment names it', () => {
  assert.deepEqual(unusedImports(['import * as tf from "x";\nimport { a, b as c, d } from "y"; // d', 'a(tf);']), ['c', 'd']);
});

test('the course guide lists every folder of notebooks as a section, and every notebook of each with its time estimate', () => {
  const folders = readdirSync('notebooks', { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && readdirSync(join('notebooks', entry.name)).some((n) => n.endsWith('.ipynb')))
    .map((entry) => entry.name);
  assert.deepEqual(folders.filter((f) => !guide.sections.some((s) => s.folder === f)), [], 'folders of notebooks that notebooks/course.json does not list');
  for (const section of guide.sections) {
    const names = readdirSync(`notebooks/${section.folder}`).filter((n) => n.endsWith('.ipynb')).map((n) => n.replace(/\.ipynb$/, '')).sort();
    assert.ok(names.length > 0, `notebooks/${section.folder} holds no notebooks`);
    assert.deepEqual(Object.keys(section.minutes).sort(), names, section.folder);
    assert.ok(names.every((n) => /^\d\d-[a-z0-9-]+$/.test(n)), `${section.folder}: notebooks are named NN-step.ipynb, in reading order`);
  }
});

test('the README\'s course section names every section of the course guide', () => {
  const readme = readFileSync('README.md', 'utf8');
  const courseText = readme.split('\n## The course\n')[1]?.split('\n## ')[0] ?? '';
  for (const section of guide.sections) {
    const name = section.title.split(':')[0];
    assert.ok(courseText.includes(`**${name}**`), `README.md's "The course" should name **${name}** (notebooks/${section.folder})`);
  }
});

const course = guide.sections.flatMap((section, s) => {
  const names = readdirSync(`notebooks/${section.folder}`).filter((n) => n.endsWith('.ipynb')).sort();
  return names.map((name, i) => ({ folder: section.folder, name, lastOfSection: i === names.length - 1, lastSection: s === guide.sections.length - 1 }));
});

for (const [k, nb] of course.entries()) {
  const path = `notebooks/${nb.folder}/${nb.name}`;
  test(`${path} opens with its objectives, ends with a summary and the link to the next notebook, and imports nothing it does not use`, async () => {
    const notebook = await readNotebook(path);
    const first = markdown(notebook.cells[0]!);
    const objectives = first.split('**After this notebook you can:**\n')[1];
    assert.ok(objectives !== undefined, `${path}: the first cell should list "**After this notebook you can:**"`);
    const items = objectives.split('\n').filter((line) => line.startsWith('- '));
    assert.ok(items.length >= 2 && items.length <= 3, `${path}: ${items.length} objectives, expected 2 or 3`);

    const last = markdown(notebook.cells[notebook.cells.length - 1]!);
    assert.match(last, /^## Summary\n/, `${path}: the last cell should be the summary`);
    const next = course[k + 1];
    if (next !== undefined) {
      const href = next.folder === nb.folder ? next.name : `../${next.folder}/${next.name}`;
      assert.ok(last.includes(`](${href})`), `${path}: the summary should link to the next notebook, ${href}`);
    }
    if (nb.lastOfSection) assert.match(last, /section in review/, `${path}: the last notebook of a section recaps it`);

    const code = notebook.cells.filter((c) => c.cell_type === 'code').map((c) => [c.source].flat().join(''));
    assert.deepEqual(unusedImports(code), [], `${path} imports names it never uses`);
  });
}

test('the PyTorch numbers the lessons quote are the golden ones', async () => {
  const text = async (path: string): Promise<string> => (await readNotebook(path)).cells.map(markdown).join('\n');
  const percents = (s: string): string[] => [...s.matchAll(/(\d+\.\d)%/g)].map((m) => m[1]!);

  const fashion = JSON.parse(readFileSync('test/golden/fashion-mnist/accuracy.json', 'utf8')) as { full: Record<'sgd' | 'momentum', { accuracy: number }[]> };
  const asPercent = (runs: { accuracy: number }[]): string[] => runs.map((r) => (100 * r.accuracy).toFixed(1));
  const fm02 = await text('notebooks/fashion-mnist/02-optimization-loop.ipynb');
  const sgdSentence = fm02.match(/PyTorch, from the same starting weights[^]*?after epochs 1 to 5/)?.[0] ?? '';
  assert.deepEqual(percents(sgdSentence), asPercent(fashion.full.sgd), 'fashion-mnist/02: plain SGD, epochs 1-5');
  const momentumSentence = fm02.match(/From the same start PyTorch reaches[^]*?with momentum/)?.[0] ?? '';
  assert.deepEqual(percents(momentumSentence), asPercent(fashion.full.momentum), 'fashion-mnist/02: SGD with momentum, epochs 1-5');

  const agNews = JSON.parse(readFileSync('test/golden/ag-news/accuracy.json', 'utf8')) as { runs: { seed: number; valAccuracy: number[]; heldOutAccuracyBest: number }[] };
  const ag06 = await text('notebooks/ag-news/06-training-loop.ipynb');
  const quoted = ag06.match(/validation accuracies ([\d.,\s]+)/)?.[1]?.split(',').map((a) => a.trim()).filter((a) => a !== '') ?? [];
  assert.deepEqual(quoted, agNews.runs[0]!.valAccuracy.map((a) => a.toFixed(3)), 'ag-news/06: validation accuracy per epoch, seed 0');
  const ag08 = await text('notebooks/ag-news/08-test-and-predict.ipynb');
  const [seed0, seed1, seed2] = agNews.runs.map((r) => r.heldOutAccuracyBest.toFixed(3));
  assert.match(ag08, new RegExp(`scores ${seed0} on these 1,600 held-out rows[^]*${seed1} and ${seed2} for seeds 1 and 2`));
});

test('ag-news/02 in full: the pool vocabulary knows every validation word, a training-split vocabulary does not', { timeout: 300_000, skip: skipUnlessSlow('ag-news/02 run in full') }, async () => {
  const result = await runNotebook('notebooks/ag-news/02-tokenizer-and-vocab.ipynb', { kernelSpec: spec('trainbook'), quick: false, cellTimeoutMs: 240_000 });
  assert.equal(result.status, 'ok');
  const printed = result.cells.flatMap((cell) => cell.outputs.map(text)).join('');
  assert.match(printed, /validation: 13232 tokens, 0\.0% unknown/);
  assert.match(printed, /test: +\d+ tokens, [1-9]\d*\.\d% unknown/);
  assert.match(printed, /vocabulary from the training split only: \d+ tokens\nvalidation: 13232 tokens, [1-9]\d*\.\d% unknown/);
});
