// The architecture rules of .dependency-cruiser.cjs hold for src/, and a wrong import fails with the rule's name.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const config = join(repoRoot, '.dependency-cruiser.cjs');
const depcruise = join(repoRoot, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

function cruise(cwd: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [depcruise, 'src', '--config', config, '--output-type', 'err'], { cwd, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test('src/ keeps the architecture rules (library never imports tooling, no cycles)', () => {
  const { status, output } = cruise(repoRoot);
  assert.equal(status, 0, `depcruise found violations:\n${output}`);
});

test('a library file importing the kernel, and a jupyter/notebook cycle, fail with the names of the rules they break', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainbook-depcruise-'));
  try {
    const write = (path: string, text: string): void => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    copyFileSync(join(repoRoot, 'tsconfig.json'), join(dir, 'tsconfig.json'));
    write('src/kernel/flag.ts', 'export const flag = 1;\n');
    write('src/data/loader.ts', "import { flag } from '../kernel/flag.js';\nexport const loaded = flag;\n");
    write('src/jupyter/client.ts', "import { run } from '../notebook/runner.js';\nexport const client = () => run;\n");
    write('src/notebook/runner.ts', "import { client } from '../jupyter/client.js';\nexport const run = () => client;\n");
    write('src/runtime/state.ts', "import { loaded } from '../data/loader.js';\nexport const state = loaded;\n");
    write('src/data/uses-tslab-patch.ts', "import { patch } from '../patches/tslab-converter.js';\nexport const p = patch;\n");
    write('src/patches/tslab-converter.ts', 'export const patch = 1;\n');
    const { status, output } = cruise(dir);
    assert.notEqual(status, 0, `depcruise accepted wrong imports:\n${output}`);
    assert.match(output, /library-never-imports-tooling: src\/data\/loader\.ts → src\/kernel\/flag\.ts/);
    assert.match(output, /no-circular: src\/jupyter\/client\.ts →/);
    assert.match(output, /jupyter-client-never-imports-runner-or-kernel: src\/jupyter\/client\.ts → src\/notebook\/runner\.ts/);
    assert.match(output, /runtime-imports-only-runtime: src\/runtime\/state\.ts → src\/data\/loader\.ts/);
    assert.match(output, /library-never-imports-tslab-patches: src\/data\/uses-tslab-patch\.ts → src\/patches\/tslab-converter\.ts/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
