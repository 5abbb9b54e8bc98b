import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { History } from '../../src/train/history.js';

describe('History', () => {
  it('keeps one value per epoch and metric', () => {
    const history = new History();
    history.record({ loss: 1.1, valAccuracy: 0.2 });
    history.record({ loss: 0.9, valAccuracy: 0.5 });
    assert.equal(history.epochs, 2);
    assert.deepEqual(history.get('loss'), [1.1, 0.9]);
    assert.deepEqual(history.history.valAccuracy, [0.2, 0.5]);
    assert.deepEqual(history.last(), { loss: 0.9, valAccuracy: 0.5 });
    assert.deepEqual(history.names, ['loss', 'valAccuracy']);
  });

  it('fills epochs where a metric is missing with NaN', () => {
    const history = new History();
    assert.equal(history.last(), undefined);
    history.record({ loss: 1 });
    history.record({ loss: 0.5, testAccuracy: 1 });
    history.record({ testAccuracy: 0.9 });
    assert.deepEqual(history.get('testAccuracy'), [Number.NaN, 1, 0.9]);
    assert.deepEqual(history.get('loss'), [1, 0.5, Number.NaN]);
  });

  it('round-trips through JSON, writing NaN as null', () => {
    const history = new History();
    history.record({ loss: 1 });
    history.record({ loss: 0.5, valLoss: 0.7 });
    const json = JSON.parse(JSON.stringify(history));
    assert.deepEqual(json, { epochs: 2, history: { loss: [1, 0.5], valLoss: [null, 0.7] } });
    const back = History.fromJSON(json);
    assert.deepEqual(back.history, history.history);
    assert.equal(back.epochs, 2);
  });

  it('names the recorded metrics when asked for an unknown one, and rejects non-numbers', () => {
    const history = new History();
    history.record({ loss: 1 });
    assert.throws(() => history.get('acc'), /History.get: no metric "acc"; recorded metrics: loss/);
    assert.throws(() => history.record({ loss: '1' as unknown as number }), /metric "loss" is string, expected a number/);
  });

  it('saves to a JSON file and loads back the same metrics', () => {
    const dir = mkdtempSync(join(tmpdir(), 'history-'));
    const path = join(dir, 'run.json');
    const history = new History();
    history.record({ loss: 120.5, valAccuracy: 0.547, lr: 5 });
    history.record({ loss: 80.25, valAccuracy: 0.657, lr: 0.5 });
    history.save(path);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { epochs: 2, history: { loss: [120.5, 80.25], valAccuracy: [0.547, 0.657], lr: [5, 0.5] } });
    const back = History.load(path);
    assert.equal(back.epochs, 2);
    assert.deepEqual(back.history, history.history);
  });

  it('says which file is missing or malformed when loading', () => {
    const dir = mkdtempSync(join(tmpdir(), 'history-'));
    assert.throws(() => History.load(join(dir, 'none.json')), /History.load: cannot read .*none\.json .*history\.save/);
    writeFileSync(join(dir, 'bad.json'), '{"loss": [1]}');
    assert.throws(() => History.load(join(dir, 'bad.json')), /holds no history, expected \{ "epochs"/);
  });
});
