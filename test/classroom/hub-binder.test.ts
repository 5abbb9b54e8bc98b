// Beyond one machine: binder/postBuild (what repo2docker runs, and what classroom/Dockerfile runs for Zero to
// JupyterHub) in a fresh clone of this repository, a fresh Python prefix (a venv) and a fresh HOME. It must install
// the course (npm ci, dist/ built) and register the trainbook kernel in that prefix, where Jupyter (nbclient, through
// `jupyter nbconvert --execute` of the venv) finds it and runs a course notebook on it.
// Slow (npm ci and a build, one to five minutes; test/slow.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { skipUnlessSlow } from '../slow.js';

const repo = resolve(import.meta.dirname, '..', '..');
const skip = skipUnlessSlow('npm ci and a build in a fresh clone, one to three minutes');

let tmp = '';
let clone = '';
let venv = '';
let env: NodeJS.ProcessEnv = {};

function run(command: string, args: string[], cwd: string, timeoutMs = 600_000): string {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: timeoutMs });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} exited ${result.status} (expected 0):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

before(() => {
  if (skip) return;
  tmp = mkdtempSync(join(tmpdir(), 'trainbook-binder-'));
  clone = join(tmp, 'course');
  venv = join(tmp, 'venv');
  const home = join(tmp, 'home');
  mkdirSync(home);
  const npmCache = spawnSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).stdout.trim();
  env = {
    ...process.env,
    HOME: home,
    PATH: `${join(venv, 'bin')}:${process.env.PATH}`,
    VIRTUAL_ENV: venv,
    // Reuse the machine's npm download cache (the registry is reached either way); nothing else of the old HOME.
    npm_config_cache: npmCache,
    JUPYTER_PATH: '',
    JUPYTER_DATA_DIR: join(home, '.local', 'share', 'jupyter'),
  };
  delete env.PYTHONPATH;
  run('git', ['clone', '--quiet', repo, clone], tmp);
  // The system Python's packages (jupyter, nbconvert: environment.yml's role) are visible; the kernel's prefix is new.
  run('python3', ['-m', 'venv', '--system-site-packages', '--without-pip', venv], tmp);
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('binder/postBuild installs the course and registers its kernel in a fresh prefix, where Jupyter runs a notebook on it', { skip, timeout: 900_000 }, () => {
  assert.ok(!existsSync(join(clone, 'node_modules')) && !existsSync(join(clone, 'dist')), 'the clone is not fresh');
  run('bash', ['binder/postBuild'], clone);

  const specFile = join(venv, 'share', 'jupyter', 'kernels', 'trainbook', 'kernel.json');
  assert.ok(existsSync(specFile), `postBuild did not register the kernel in the venv's prefix (${specFile} is missing)`);
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as { argv: string[]; display_name: string };
  assert.equal(spec.display_name, 'TypeScript (trainbook)');
  const script = spec.argv.find((a) => a.endsWith('main.js'));
  assert.equal(script, join(clone, 'dist', 'kernel', 'main.js'), `the kernel runs ${script}, expected the clone's own build`);
  assert.ok(existsSync(script));
  assert.ok(!existsSync(join(env.HOME!, '.local', 'share', 'jupyter', 'kernels')), 'postBuild wrote a per-user kernelspec');

  const listed = run(join(venv, 'bin', 'python'), ['-c', 'from jupyter_client.kernelspec import KernelSpecManager as K; print(K().find_kernel_specs()["trainbook"])'], clone);
  assert.equal(listed.trim(), join(venv, 'share', 'jupyter', 'kernels', 'trainbook'));

  const out = join(tmp, 'executed.ipynb');
  run(join(venv, 'bin', 'python'), [
    '-m', 'nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.kernel_name=trainbook',
    '--ExecutePreprocessor.timeout=300', '--output', out, join(clone, 'notebooks', 'iris', '01-load.ipynb'),
  ], join(clone, 'notebooks', 'iris'));
  const executed = JSON.parse(readFileSync(out, 'utf8')) as { cells: { cell_type: string; outputs?: { output_type: string }[] }[] };
  const code = executed.cells.filter((c) => c.cell_type === 'code');
  assert.ok(code.length > 0 && code.every((c) => !(c.outputs ?? []).some((o) => o.output_type === 'error')), 'a cell of Iris 01 failed');
  assert.ok(code.some((c) => (c.outputs ?? []).length > 0), 'Iris 01 ran but printed nothing');
});
