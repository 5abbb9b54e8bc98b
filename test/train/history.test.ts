import assert from 'node:assert/strict';
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
});
