import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { formatClock, progress } from '../../src/display/progress.js';
import { RecordingSink, setDisplaySink } from '../../src/display/sink.js';

test('formatClock writes mm:ss, and h:mm:ss past an hour', () => {
  assert.equal(formatClock(0), '00:00');
  assert.equal(formatClock(75.4), '01:15');
  assert.equal(formatClock(3725), '1:02:05');
  assert.equal(formatClock(Number.POSITIVE_INFINITY), '?');
});

test('a progress bar in a notebook redraws in place at most once per interval and always draws the end', () => {
  const sink = new RecordingSink();
  setDisplaySink(sink);
  const throttleMs = 50;
  const start = performance.now();
  try {
    const bar = progress(20_000, { label: 'epoch 1', unit: 'batch', throttleMs });
    for (let i = 0; i < 20_000; i++) {
      const end = performance.now() + 0.02;
      while (performance.now() < end);
      bar.tick(1, { loss: 0.5 });
    }
    bar.done({ loss: 0.25 });
    assert.equal(bar.count, 20_000);
    assert.throws(() => bar.tick(), /tick\(\) after done\(\)/);
  } finally {
    setDisplaySink(undefined);
  }
  const elapsedMs = performance.now() - start;
  const ids = new Set(sink.messages.map((m) => m.displayId));
  assert.equal(ids.size, 1);
  assert.equal(sink.outputs().length, 1);
  const updates = sink.messages.length - 1;
  assert.ok(updates <= Math.ceil(elapsedMs / throttleMs) + 1, `${updates} redraws in ${elapsedMs.toFixed(0)} ms`);
  const final = sink.outputs()[0];
  assert.match(String(final?.['text/plain']), /^epoch 1 100%\|█{20}\| 20000\/20000 \[\d\d:\d\d, [\d.]+ batch\/s\] loss=0\.25$/);
  assert.match(String(final?.['text/html']), /width:100\.0%/);
  assert.match(String(final?.['text/html']), /20000\/20000/);
});

test('a progress bar shows rate and ETA while running and escapes its label', () => {
  const sink = new RecordingSink();
  setDisplaySink(sink);
  try {
    const bar = progress(10, { label: '<b>x</b>', throttleMs: 0 });
    const end = performance.now() + 20;
    while (performance.now() < end);
    bar.tick(4);
    const running = sink.outputs()[0];
    assert.match(String(running?.['text/plain']), /^<b>x<\/b>  40%\|████████ {12}\| 4\/10 \[00:00<00:00, [\d.]+ it\/s\]$/);
    assert.match(String(running?.['text/html']), /&lt;b&gt;x&lt;\/b&gt;/);
    assert.doesNotMatch(String(running?.['text/html']), /<b>x/);
    bar.done();
  } finally {
    setDisplaySink(undefined);
  }
  assert.throws(() => progress(-1), /total is -1, expected a finite number >= 0/);
});

test('without a notebook a progress bar writes about one stderr line per second, never a flood', () => {
  const script = fileURLToPath(new URL('./fixtures/progress-stderr.ts', import.meta.url));
  const start = performance.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' });
  const elapsedS = (performance.now() - start) / 1000;
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, '');
  const lines = run.stderr.trimEnd().split('\n');
  assert.ok(lines.length >= 3 && lines.length <= Math.ceil(elapsedS) + 2, `${lines.length} lines in ${elapsedS.toFixed(1)} s`);
  assert.match(lines.at(-1) ?? '', /^train 100%\|█{20}\| 50000\/50000 \[\d\d:\d\d, [\d.]+ batch\/s\] loss=0\.00002$/);
});
