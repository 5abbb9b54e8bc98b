// The "Teach a class" round trip with real nbgrader (0.9.6) and the trainbook kernel: the README's commands, run
// as written in a temporary course folder laid out like this checkout (its nbgrader_config.py, Iris notebook
// 06, data/ and node_modules/ linked), with five real submissions made by editing the student version.
// Only the exchange folder and a shorter cell timeout (so the hanging submission costs 30 s, not 120) are added.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { skipUnlessSlow } from '../slow.js';

const repo = join(import.meta.dirname, '..', '..');
const probe = spawnSync('python3', ['-c', 'import nbgrader, sys; sys.stdout.write(nbgrader.__version__)'], { encoding: 'utf8' });
const SKIP = probe.status === 0 ? skipUnlessSlow('the nbgrader round trip, minutes of grading') : 'python3 lacks nbgrader: pip install -r requirements-test.txt';

/** The stub nbgrader_config.py puts in place of each solution. */
const STUB = '  // YOUR CODE HERE\n  throw new Error("exercise not done: write your answer here, run this cell, then its check");';
const NOTEBOOK = '06-validation-step';

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: { output_type: string; name?: string; text?: string | string[]; ename?: string; evalue?: string }[];
  metadata: { nbgrader?: { grade_id: string; solution?: boolean; grade?: boolean } };
}

const source = (cell: Cell) => [cell.source].flat().join('');
const readCells = (path: string): Cell[] => JSON.parse(readFileSync(path, 'utf8')).cells;

/** Replace the stubs of the notebook's exercises, in order, with `answers`, as a student does in JupyterLab. */
function answer(path: string, answers: string[]): void {
  const notebook = JSON.parse(readFileSync(path, 'utf8'));
  const stubs = (notebook.cells as Cell[]).filter((c) => c.metadata.nbgrader?.solution);
  assert.equal(stubs.length, 2, `${path} should hold two exercises`);
  answers.forEach((code, i) => {
    assert.ok(source(stubs[i]).includes(STUB), `the stub of ${path} is not nbgrader_config.py's:\n${source(stubs[i])}`);
    stubs[i].source = source(stubs[i]).replace(STUB, code);
  });
  writeFileSync(path, JSON.stringify(notebook, null, 1));
}

const COUNT_CORRECT = '  return tf.tidy(() => logits.argMax(1).equal(labels).sum().dataSync()[0]);';
const EPOCH_AVERAGES = `  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return { loss: sum(batches.map((b) => b.loss)) / batches.length, accuracy: sum(batches.map((b) => b.correct)) / sum(batches.map((b) => b.size)) };`;

/** What each student writes for exercise 1 (countCorrect) and 2 (epochAverages); none: the student version as released. */
const SUBMISSIONS: Record<string, string[]> = {
  alice: [COUNT_CORRECT, EPOCH_AVERAGES], // all correct
  bob: ['  return tf.tidy(() => logits.equal(labels.expandDims(1)).sum().dataSync()[0]);', EPOCH_AVERAGES], // partly wrong
  carol: ['  while (true) {}', EPOCH_AVERAGES], // hangs
  dave: ['  process.exit(1);', EPOCH_AVERAGES], // kills its kernel
  eve: [],
};

test('a teacher generates, releases, collects, autogrades and gives feedback on TypeScript exercises with nbgrader', { skip: SKIP, timeout: 600_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'tb-classroom-'));
  const jupyter = join(root, '.jupyter-test');
  const exchange = join(root, 'exchange');
  const env = {
    ...process.env,
    JUPYTER_PATH: join(jupyter, 'share', 'jupyter'),
    JUPYTER_CONFIG_DIR: join(jupyter, 'config'),
    JUPYTER_DATA_DIR: join(jupyter, 'data'),
    JUPYTER_RUNTIME_DIR: join(jupyter, 'runtime'),
  };
  const run = (command: string, args: string[], cwd = root) => {
    const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 400_000 });
    const log = `$ ${command} ${args.join(' ')}\n${result.stdout}\n${result.stderr}`;
    assert.equal(result.status, 0, log);
    assert.doesNotMatch(result.stderr, /Exception while loading config file/, log);
    return log;
  };
  const nbgrader = (args: string[], cwd = root) => run('nbgrader', [...args, `--Exchange.root=${exchange}`], cwd);
  try {
    copyFileSync(join(repo, 'nbgrader_config.py'), join(root, 'nbgrader_config.py'));
    mkdirSync(join(root, 'notebooks', 'iris'), { recursive: true });
    copyFileSync(join(repo, 'notebooks', 'iris', `${NOTEBOOK}.ipynb`), join(root, 'notebooks', 'iris', `${NOTEBOOK}.ipynb`));
    symlinkSync(join(repo, 'data'), join(root, 'data'));
    symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'));
    mkdirSync(exchange);

    // The teacher: the kernel, then the student version.
    run('node', [join(repo, 'dist', 'cli', 'main.js'), 'install-kernel', '--kernel', 'trainbook', '--prefix', jupyter]);
    nbgrader(['generate_assignment', 'iris']);
    const released = readFileSync(join(root, 'release', 'iris', `${NOTEBOOK}.ipynb`), 'utf8');
    assert.match(released, /YOUR CODE HERE/);
    assert.doesNotMatch(released, /BEGIN SOLUTION|END SOLUTION|argMax\(1\)\.equal/, 'the student version must not hold the solution');
    assert.doesNotMatch(released, /HIDDEN TESTS|the loop above/, 'the student version must not hold the hidden tests');
    nbgrader(['release_assignment', 'iris']);

    // The students: one fetch (a copy of what was released) stands for all five. nbgrader names a submission after
    // the OS account, and all of them run as this one here, so each submission is renamed in the exchange as if
    // its student had submitted it from their own account.
    const fetched = join(root, 'students', 'fetched');
    mkdirSync(fetched, { recursive: true });
    nbgrader(['fetch_assignment', 'iris', '--course', 'trainbook'], fetched);
    const account = userInfo().username;
    const inbound = join(exchange, 'trainbook', 'inbound');
    for (const [student, answers] of Object.entries(SUBMISSIONS)) {
      const home = join(root, 'students', student);
      cpSync(fetched, home, { recursive: true });
      answer(join(home, 'iris', `${NOTEBOOK}.ipynb`), answers);
      nbgrader(['submit', 'iris', '--course', 'trainbook'], home);
      for (const entry of readdirSync(inbound).filter((e) => e.startsWith(`${account}+iris+`))) {
        renameSync(join(inbound, entry), join(inbound, `${student}+${entry.slice(account.length + 1)}`));
      }
    }

    // The teacher again: collect, grade, feedback.
    nbgrader(['collect', 'iris']);
    assert.deepEqual(readdirSync(join(root, 'submitted')).sort(), Object.keys(SUBMISSIONS));
    const started = performance.now();
    const autograde = nbgrader(['autograde', 'iris', '--Execute.timeout=30']);
    const autogradeSeconds = (performance.now() - started) / 1000;
    assert.doesNotMatch(autograde, /There was an error processing assignment/, autograde);

    const scores = JSON.parse(
      spawnSync('python3', ['-c', [
        'import json, sys',
        'from nbgrader.api import Gradebook',
        'with Gradebook("sqlite:///gradebook.db") as gb:',
        '    out = {}',
        '    for s in gb.find_assignment("iris").submissions:',
        '        out[s.student.id] = {"score": s.score, "max": s.max_score, "cells": {g.name: g.score for nb in s.notebooks for g in nb.grades}}',
        'sys.stdout.write(json.dumps(out))',
      ].join('\n')], { cwd: root, env, encoding: 'utf8' }).stdout,
    ) as Record<string, { score: number; max: number; cells: Record<string, number> }>;
    const summary = JSON.stringify(scores, null, 1);
    assert.deepEqual(
      Object.fromEntries(Object.entries(scores).map(([student, s]) => [student, `${s.score} of ${s.max}`])),
      // bob, carol and dave get exercise 2 right: a hang or a crash in exercise 1 does not stop the grading.
      { alice: '3 of 3', bob: '1 of 3', carol: '1 of 3', dave: '1 of 3', eve: '0 of 3' },
      summary,
    );

    const graded = (student: string) => readCells(join(root, 'autograded', student, 'iris', `${NOTEBOOK}.ipynb`));
    const checkOutputs = (student: string) => graded(student).find((c) => c.metadata.nbgrader?.grade)!.outputs!;
    // The hidden tests are back in the graded copy and ran.
    assert.match(source(graded('alice').find((c) => c.metadata.nbgrader?.grade)!), /BEGIN HIDDEN TESTS/);
    assert.match(JSON.stringify(checkOutputs('bob')), /CheckError.*compare argMax\(1\) with the labels, not the logits/);
    assert.match(JSON.stringify(checkOutputs('carol')), /CellTimeoutError/, 'the hanging cell ends with a timeout error');
    const daveExit = graded('dave').find((c) => c.outputs?.some((o) => o.ename === 'SystemExit'));
    assert.match(JSON.stringify(daveExit?.outputs), /KernelRestarted.*the cell called process.exit, which ended the kernel/);
    assert.match(JSON.stringify(checkOutputs('eve')), /countCorrect is not written yet/);
    // The student version's other cells run as before: only the exercises' checks fail.
    const failing = graded('eve').filter((c) => c.outputs?.some((o) => o.output_type === 'error' || o.name === 'stderr'));
    assert.deepEqual(failing.map((c) => c.metadata.nbgrader?.grade_id), ['iris-06-count-correct-check', 'iris-06-epoch-averages-check']);

    nbgrader(['generate_feedback', 'iris']);
    nbgrader(['release_feedback', 'iris']);
    nbgrader(['fetch_feedback', 'iris', '--course', 'trainbook'], join(root, 'students', 'fetched'));
    const feedback = (student: string) => readFileSync(join(root, 'feedback', student, 'iris', `${NOTEBOOK}.html`), 'utf8');
    assert.match(feedback('alice'), /✔ countCorrect counts correct predictions/);
    assert.match(feedback('bob'), /your accuracy counted 0 of 30, expected 27: compare argMax\(1\) with the labels, not the logits/);
    assert.match(feedback('eve'), /countCorrect is not written yet/);
    // A student fetches their feedback from the exchange (all five are this account here: one fetch gets them all).
    assert.ok(readdirSync(join(root, 'students', 'fetched', 'iris', 'feedback')).length > 0, 'fetch_feedback brought the feedback home');
    console.log(`autograde of ${Object.keys(SUBMISSIONS).length} submissions: ${autogradeSeconds.toFixed(0)} s`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
