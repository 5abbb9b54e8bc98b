import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { KernelClient } from '../../src/jupyter/kernel-client.js';
import { readKernelSpec } from '../../src/jupyter/kernelspec.js';
import { fixtures, makeJupyterPath, SKIP_NO_IPYKERNEL } from '../notebook/kernels.js';

const root = resolve(import.meta.dirname, '..', '..');
// tsx by absolute URL, so the CLI also runs from another working directory.
const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const cli = [process.execPath, '--import', tsx, join(root, 'src', 'cli', 'main.ts')];
let jupyterPath: string;

before(async () => {
  ({ jupyterPath } = await makeJupyterPath());
});

function trainbook(args: string[], env: Record<string, string> = {}, cwd = root) {
  const result = spawnSync(cli[0], [...cli.slice(1), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, JUPYTER_PATH: jupyterPath, ...env },
    timeout: 180_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Processes whose command line mentions `text` (other than `ps` itself). */
function processesMentioning(text: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).stdout;
  return ps.split('\n').filter((l) => l.includes(text) && !l.includes(' ps -eo'));
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('trainbook --help lists the commands and an unknown command exits 2', () => {
  const help = trainbook(['--help']);
  assert.equal(help.code, 0);
  for (const command of ['run', 'clean', 'export', 'install-kernel']) assert.match(help.stdout, new RegExp(`\\n  ${command}`));
  const bad = trainbook(['frobnicate']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown command "frobnicate"/);
  assert.equal(trainbook(['run', '--bogus']).code, 2);
  assert.match(trainbook(['run', 'x.ipynb', '--param', 'oops']).stderr, /should look like name=value/);
});

test('every command refuses an unknown option or a missing value, naming it and what is accepted', () => {
  const unknown = trainbook(['run', 'x.ipynb', '--bogus']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /run: unknown option "--bogus"; accepted: --out <value>, --param <value>, --quick, --jobs <value>/);
  const clean = trainbook(['clean', '--chek']);
  assert.equal(clean.code, 2);
  assert.match(clean.stderr, /clean: unknown option "--chek"; accepted: --check, -h, --help/);
  const missing = trainbook(['run', 'x.ipynb', '--out']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /run: option --out needs a value/);
  const flagValue = trainbook(['clean', '--check=yes']);
  assert.equal(flagValue.code, 2);
  assert.match(flagValue.stderr, /clean: option --check takes no value/);
  const kernel = trainbook(['install-kernel', '--kernel', 'python']);
  assert.equal(kernel.code, 2);
  assert.match(kernel.stderr, /--kernel is "python", expected tslab, trainbook or all/);
});

test('run refuses a --jobs that is not a whole number of at least 1, before running anything', () => {
  for (const jobs of ['2.5', '0', '-1', 'x', '']) {
    const result = trainbook(['run', 'test/fixtures/notebooks/ts-pass.ipynb', `--jobs=${jobs}`, '--out', mkdtempSync(join(tmpdir(), 'tb-jobs-'))]);
    assert.equal(result.code, 2, `--jobs=${jobs}: ${result.stderr}`);
    assert.match(result.stderr, new RegExp(`run: --jobs is "${jobs}", expected a whole number of at least 1`));
  }
  assert.match(trainbook(['run', 'x.ipynb', '--timeout=-3']).stderr, /run: --timeout is "-3", expected a positive number/);
  assert.match(trainbook(['run', 'x.ipynb', '--timeout', '-3']).stderr, /run: option --timeout needs a value .*write a value that starts with "-" as --timeout=<value>/);
});

test('export is a command of the one CLI: 2 on bad arguments, 1 naming an unreadable notebook, 0 with the pages written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-cli-export-'));
  const noOut = trainbook(['export', dir]);
  assert.equal(noOut.code, 2);
  assert.match(noOut.stderr, /trainbook export: --out <dir> is required/);
  const bogus = trainbook(['export', dir, '--out', join(dir, 'x'), '--bogus']);
  assert.equal(bogus.code, 2);
  assert.match(bogus.stderr, /export: unknown option "--bogus"; accepted: -o, --out <value>, -t, --title <value>/);
  const missing = trainbook(['export', join(dir, 'missing'), '--out', join(dir, 'x')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /trainbook export: .*missing: no such file or folder/);
  writeFileSync(join(dir, 'broken.ipynb'), '{"nbformat": 3, "cells": []}');
  const broken = trainbook(['export', join(dir, 'broken.ipynb'), '--out', join(dir, 'x')]);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /broken\.ipynb: nbformat is 3, expected 4/);
  const ok = trainbook(['export', join(fixtures, 'ts-pass.ipynb'), '-o', join(dir, 'out'), '-t', 'One'], { JUPYTER_DATA_DIR: join(dir, 'no-jupyter') });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /ts-pass\.html  no run record, \d+ kB\n.*index\.html  1 notebooks/);
  assert.ok(readFileSync(join(dir, 'out', 'index.html'), 'utf8').includes('One'));
  const trusted = trainbook(['export', join(fixtures, 'ts-pass.ipynb'), '-o', join(dir, 'out'), '--trust']);
  assert.match(trusted.stdout, /ts-pass\.html  no run record, \d+ kB, trusted\n/);
  const guidePath = join(dir, 'course.json');
  const section = { folder: basename(fixtures), title: 'Fixtures, titled', about: 'One notebook.', mirrors: [], minutes: { 'ts-pass': 5 } };
  writeFileSync(guidePath, JSON.stringify({ title: 'Guided', audience: 'For testers.', prerequisites: [], order: 'In order.', sections: [section] }));
  const guided = trainbook(['export', join(fixtures, 'ts-pass.ipynb'), '-o', join(dir, 'guided'), '--course', guidePath, '--trust']);
  assert.equal(guided.code, 0, guided.stderr);
  const guidedIndex = readFileSync(join(dir, 'guided', 'index.html'), 'utf8');
  assert.match(guidedIndex, /<p>For testers\.<\/p>/);
  assert.match(guidedIndex, /Fixtures, titled/);
  writeFileSync(guidePath, JSON.stringify({ title: 'Guided', audience: '', prerequisites: [], order: 'In order.', sections: [section] }));
  const badGuide = trainbook(['export', join(fixtures, 'ts-pass.ipynb'), '-o', join(dir, 'guided'), '--course', guidePath]);
  assert.equal(badGuide.code, 1);
  assert.match(badGuide.stderr, /course\.json: audience is "", expected a non-empty string/);
  assert.match(trainbook(['export', '--help']).stdout, /Usage: trainbook export/);
});

test('install-kernel --prefix writes a tslab kernelspec with absolute paths from which a kernel starts', async () => {
  const prefix = mkdtempSync(join(tmpdir(), 'tb-install-'));
  const result = trainbook(['install-kernel', '--prefix', prefix, '--kernel', 'tslab']);
  assert.equal(result.code, 0, result.stderr);
  const dir = join(prefix, 'share', 'jupyter', 'kernels', 'tslab');
  assert.match(result.stdout, new RegExp(`Installed kernelspec tslab in ${dir}`));
  const spec = JSON.parse(readFileSync(join(dir, 'kernel.json'), 'utf8')) as { argv: string[]; display_name: string; language: string };
  assert.equal(spec.display_name, 'TypeScript');
  assert.equal(spec.language, 'typescript');
  assert.equal(spec.argv[0], process.execPath);
  assert.ok(spec.argv[1].startsWith('/') && spec.argv[1].endsWith('/tslab/bin/tslab') && existsSync(spec.argv[1]));
  assert.deepEqual(spec.argv.slice(2), ['kernel', '--config-path', '{connection_file}']);
  const kernel = await KernelClient.start(readKernelSpec(dir));
  try {
    const run = await kernel.execute('console.log(6 * 7)');
    assert.deepEqual(run.outputs, [{ output_type: 'stream', name: 'stdout', text: '42\n' }]);
  } finally {
    await kernel.shutdown();
  }
  const named = trainbook(['install-kernel', '--prefix', prefix, '--kernel', 'tslab', '--name', 'ts-copy']);
  assert.equal(named.code, 0, named.stderr);
  assert.ok(existsSync(join(prefix, 'share', 'jupyter', 'kernels', 'ts-copy', 'kernel.json')));
  assert.equal(trainbook(['install-kernel', '--user', '--prefix', prefix]).code, 2);
});

test('run exits 1 on a failing notebook, names cell and line, writes the executed copy mirroring the input path', { skip: SKIP_NO_IPYKERNEL }, () => {
  const out = mkdtempSync(join(tmpdir(), 'tb-cli-out-'));
  const result = trainbook(['run', 'test/fixtures/notebooks/ts-fail.ipynb', 'test/fixtures/notebooks/py-fail.ipynb', '--out', out, '--jobs', '2']);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /ts-fail\.ipynb: cell \[2\], line 2: RangeError: bad value 1/);
  assert.match(result.stderr, /> throw new RangeError\(`bad value \$\{n\}`\);/);
  assert.match(result.stderr, /1 later code cell was not run/);
  assert.match(result.stderr, /notebook +cells +time +status/);
  assert.match(result.stderr, /ts-fail\.ipynb +2\/3 +[\d.]+s +FAILED \(cell \[2\]\)/);
  assert.ok(existsSync(join(out, 'test', 'fixtures', 'notebooks', 'ts-fail.ipynb')));
  assert.ok(existsSync(join(out, 'test', 'fixtures', 'notebooks', 'py-fail.ipynb')));
});

test('run prints a TypeScript error once, naming the cell by the [n] JupyterLab shows beside it', () => {
  const work = mkdtempSync(join(tmpdir(), 'tb-cli-once-'));
  const code = (id: string, source: string) => ({ cell_type: 'code', id, metadata: {}, execution_count: null, outputs: [], source });
  const markdown = (id: string, source: string) => ({ cell_type: 'markdown', id, metadata: {}, source });
  // Markdown cells before the failing one: its position in the file (5) and its [n] (2) differ.
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'trainbook', display_name: 'TypeScript (trainbook)', language: 'typescript' } },
    cells: [markdown('m1', '# Title'), code('lesson-01', 'const a = 1;'), markdown('m2', 'Text'), markdown('m3', 'More text'), code('lesson-04', 'const b: string = a;\nconsole.log(b);')],
  };
  writeFileSync(join(work, 'type-error.ipynb'), JSON.stringify(notebook));
  const result = trainbook(['run', join(work, 'type-error.ipynb'), '--out', join(work, 'out')]);
  assert.equal(result.code, 1, result.stderr);
  const message = "Type 'number' is not assignable to type 'string'. (TS2322)";
  assert.equal(result.stderr.split(message).length - 1, 1, `the error is printed once:\n${result.stderr}`);
  assert.match(result.stderr, /type-error\.ipynb: cell \[2\], line 1: TypeScriptError: line 1, column 7: Type 'number'/);
  assert.match(result.stderr, /----> 1 \| const b: string = a;/);
  assert.doesNotMatch(result.stderr, /\(id |cell 5|Cell In\[/);
  assert.match(result.stderr, /FAILED \(cell \[2\]\)/);
  assert.match(result.stderr, /failed \(details above\):\n.*type-error\.ipynb: cell \[2\], line 1\n/);
});

test('run --course runs the sections its guide lists in order, a runInOrder section one notebook at a time, and refuses an unlisted folder', () => {
  const work = mkdtempSync(join(tmpdir(), 'tb-cli-course-'));
  const notebookWith = (source: string) => ({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells: [{ cell_type: 'code', id: 'c1', metadata: {}, execution_count: null, outputs: [], source }],
  });
  const write = (path: string, source: string) => {
    mkdirSync(join(work, 'course', path, '..'), { recursive: true });
    writeFileSync(join(work, 'course', path), JSON.stringify(notebookWith(source)));
  };
  // 02 reads what 01 writes 3 s after it starts: run side by side (two jobs), 02 fails.
  const writer = 'import { writeFileSync } from "node:fs";\nawait new Promise((r) => setTimeout(r, 3000));\nwriteFileSync("handoff.txt", "from 01");';
  const reader = 'import { readFileSync } from "node:fs";\nconsole.log(readFileSync("handoff.txt", "utf8"));';
  write('first/01-a.ipynb', 'console.log("first");');
  write('chain/01-write.ipynb', writer);
  write('chain/02-read.ipynb', reader);
  write('last/01-z.ipynb', 'console.log("last");');
  const section = (folder: string, extra: Record<string, string> = {}) => ({ folder, title: folder, about: 'x', mirrors: [], minutes: {}, ...extra });
  const guide = (sections: unknown[]) => JSON.stringify({ title: 'T', audience: 'a', prerequisites: [], order: 'o', sections });
  const guidePath = join(work, 'course', 'course.json');
  // Not in alphabetical order: the guide's order wins.
  writeFileSync(guidePath, guide([section('chain', { runInOrder: '02 reads the file 01 writes' }), section('last'), section('first')]));
  const ok = trainbook(['run', '--course', guidePath, '--out', join(work, 'out'), '--jobs', '2'], {}, work);
  assert.equal(ok.code, 0, ok.stderr);
  const rows = ok.stderr.split('\n').filter((l) => /\.ipynb +\d/.test(l)).map((l) => l.split(/\s+/)[0]?.replace(/^.*course\//, ''));
  assert.deepEqual(rows, ['chain/01-write.ipynb', 'chain/02-read.ipynb', 'last/01-z.ipynb', 'first/01-a.ipynb']);

  // Without runInOrder the two run side by side and 02 finds no file.
  rmSync(join(work, 'course', 'chain', 'handoff.txt'));
  writeFileSync(guidePath, guide([section('chain'), section('last'), section('first')]));
  const together = trainbook(['run', '--course', guidePath, '--out', join(work, 'out2'), '--jobs', '2'], {}, work);
  assert.equal(together.code, 1, together.stderr);
  assert.match(together.stderr, /chain\/02-read\.ipynb: cell \[1\][^]*ENOENT/);

  write('extra/01-new.ipynb', 'console.log("new");');
  const unlisted = trainbook(['run', '--course', guidePath, '--out', join(work, 'out3')], {}, work);
  assert.equal(unlisted.code, 2);
  assert.match(unlisted.stderr, /extra holds notebooks but is not a section of the course guide: add it to "sections"/);
});

test('run --quick on a folder glob exits 0 and injects quick after the parameters cell', { skip: SKIP_NO_IPYKERNEL }, () => {
  const work = mkdtempSync(join(tmpdir(), 'tb-cli-glob-'));
  mkdirSync(join(work, 'nb', 'a'), { recursive: true });
  copyFileSync(join(fixtures, 'ts-pass.ipynb'), join(work, 'nb', 'a', 'one.ipynb'));
  copyFileSync(join(fixtures, 'py-pass.ipynb'), join(work, 'nb', 'two.ipynb'));
  const result = trainbook(['run', 'nb/**/*.ipynb', '--quick', '--out', 'executed'], {}, work);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /All 2 notebooks ran/);
  const one = JSON.parse(readFileSync(join(work, 'executed', 'nb', 'a', 'one.ipynb'), 'utf8'));
  assert.deepEqual(one.cells[2].metadata.tags, ['injected-parameters']);
  assert.equal(one.cells[3].outputs[0].text.join(''), 'quick=true epochs=2\n');
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`a runner stopped by ${signal} writes what it executed, marked interrupted, and removes its connection folders`, async () => {
    const unique = mkdtempSync(join(tmpdir(), 'tb-stopped-'));
    const marker = join(unique, 'marker');
    const out = join(unique, 'out');
    const runner: ChildProcess = spawn(cli[0], [...cli.slice(1), 'run', join(fixtures, 'ts-marker.ipynb'), '--out', out], {
      cwd: root,
      env: { ...process.env, JUPYTER_PATH: jupyterPath, TMPDIR: unique, TB_MARKER: marker },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((r) => runner.on('exit', (code) => r(code)));
    await waitFor(() => existsSync(marker), 90_000, 'the long cell to start');
    runner.kill(signal);
    assert.equal(await exited, signal === 'SIGINT' ? 130 : 143);
    const written = readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith('.ipynb'));
    assert.equal(written.length, 1, `expected one executed copy under ${out}, found ${JSON.stringify(written)}`);
    const nb = JSON.parse(readFileSync(join(out, written[0] as string), 'utf8'));
    assert.equal(nb.metadata.trainbook.status, 'interrupted');
    assert.equal(nb.metadata.trainbook.reason, signal);
    assert.equal(nb.cells[0].outputs[0].text.join(''), 'warm up\n');
    assert.equal(nb.cells[1].outputs.at(-1).ename, 'KeyboardInterrupt');
    assert.deepEqual(readdirSync(unique).filter((name) => name.startsWith('trainbook-kernel-')), [], 'connection folders left behind');
  });
}

for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
  test(`a runner ended by ${signal} mid-cell leaves no kernel process behind`, async () => {
    // A private TMPDIR puts the kernel's connection file, and so its command line, under a unique folder.
    const unique = mkdtempSync(join(tmpdir(), 'tb-orphan-'));
    const marker = join(unique, 'marker');
    const runner: ChildProcess = spawn(
      cli[0],
      [...cli.slice(1), 'run', join(fixtures, 'ts-marker.ipynb'), '--out', join(unique, 'out')],
      { cwd: root, env: { ...process.env, JUPYTER_PATH: jupyterPath, TMPDIR: unique, TB_MARKER: marker }, stdio: 'ignore' },
    );
    const exited = new Promise<number | null>((r) => runner.on('exit', (code) => r(code)));
    await waitFor(() => existsSync(marker), 90_000, 'the long cell to start');
    assert.ok(processesMentioning(unique).length >= 1, 'the kernel is running');
    runner.kill(signal);
    const code = await exited;
    if (signal === 'SIGTERM') assert.equal(code, 143);
    await waitFor(() => processesMentioning(unique).length === 0, 5000, `no process mentioning ${unique}: ${processesMentioning(unique).join('; ')}`);
  });
}
