import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { CellExecutor, isCompleteCode } from '../../src/kernel/executor.js';
import { MIME_BUNDLE, mimeBundle } from '../../src/kernel/mime.js';
import { repoRoot } from './helpers.js';

describe('isCompleteCode', () => {
  test('says complete, incomplete with an indent, or invalid', () => {
    assert.deepEqual(isCompleteCode('const x = 1;'), { status: 'complete' });
    assert.deepEqual(isCompleteCode('for (let i = 0; i < 3; i++) {'), { status: 'incomplete', indent: '  ' });
    assert.equal(isCompleteCode('const s = `multi').status, 'incomplete');
    assert.equal(isCompleteCode('const xs = [1, 2,').status, 'incomplete');
    assert.equal(isCompleteCode('const = 1;').status, 'invalid');
    assert.equal(isCompleteCode('1 + )').status, 'invalid');
  });
});

describe('mimeBundle', () => {
  test('uses an object\'s own mime bundle method and adds text/plain', () => {
    const bundle = mimeBundle({ [MIME_BUNDLE]: () => ({ 'text/html': '<b>x</b>' }) });
    assert.equal(bundle['text/html'], '<b>x</b>');
    assert.equal(typeof bundle['text/plain'], 'string');
  });

  test('shows a Plotly figure object as html and plotly json', () => {
    const bundle = mimeBundle({ data: [{ type: 'scatter', x: [1, 2], y: [3, 4] }] });
    assert.ok(typeof bundle['text/html'] === 'string');
    assert.ok(bundle['application/vnd.plotly.v1+json']);
  });

  test('shows a danfojs DataFrame as an HTML table and aligned text', async () => {
    const dfd = (await import('danfojs-node')) as unknown as { DataFrame: new (data: Record<string, unknown[]>) => unknown };
    const bundle = mimeBundle(new dfd.DataFrame({ a: [1, 2, 3], b: ['x', 'y', 'z'] }));
    assert.match(String(bundle['text/html']), /<table/);
    assert.equal(String(bundle['text/plain']).split('\n')[1], '0  1  x');
  });

  test('falls back to util.inspect text', () => {
    assert.deepEqual(mimeBundle({ a: 1 }), { 'text/plain': '{ a: 1 }' });
    assert.deepEqual(mimeBundle('ab'), { 'text/plain': "'ab'" });
  });
});

describe('CellExecutor', () => {
  const executor = new CellExecutor(repoRoot);
  after(() => executor.close());

  test('returns the last expression and keeps declarations for later cells', async () => {
    assert.deepEqual(await executor.execute('const base: number = 40;', 'Cell In[1]'), { status: 'ok', hasValue: false });
    const outcome = await executor.execute('base + 2', 'Cell In[2]');
    assert.deepEqual(outcome, { status: 'ok', hasValue: true, value: 42 });
  });

  test('maps a runtime error to the cell line through both compile stages', async () => {
    const code = 'import * as path from "path";\n\ninterface Shape { n: number }\n\nconst s: Shape = { n: 3 };\nif (s.n > 2) {\n  throw new TypeError(`n is ${s.n}`);\n}';
    const outcome = await executor.execute(code, 'Cell In[3]');
    assert.equal(outcome.status, 'error');
    if (outcome.status !== 'error') return;
    assert.equal(outcome.error.ename, 'TypeError');
    assert.equal(outcome.error.evalue, 'n is 3');
    assert.match(outcome.error.traceback.join('\n'), /at Cell In\[3\], line 7, column 9/);
  });

  test('resolves a shorthand property that names an earlier cell\'s variable (tslab leaves it undefined)', async () => {
    await executor.execute('const generator = 7;\nconst limit = 2;', 'Cell In[6]');
    assert.deepEqual(await executor.execute('const limit2 = 3;\nconst options = { generator, limit, limit2 };\noptions', 'Cell In[7]'), {
      status: 'ok',
      hasValue: true,
      value: { generator: 7, limit: 2, limit2: 3 },
    });
  });

  test('keeps the names a failing cell declared before it failed', async () => {
    await executor.execute('const kept = "yes";\nthrow new Error("after the declaration");', 'Cell In[4]');
    assert.deepEqual(await executor.execute('kept', 'Cell In[5]'), { status: 'ok', hasValue: true, value: 'yes' });
  });
});
