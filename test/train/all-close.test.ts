import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { allClose } from '../../src/train/all-close.js';

describe('allClose', () => {
  it('uses |a - b| <= atol + rtol * |b| like torch.allclose', () => {
    const a = tf.tensor1d([1, 2, 1000]);
    assert.equal(allClose(a, tf.tensor1d([1, 2, 1000.009])), true); // 0.009 <= 1e-8 + 1e-5 * 1000.009
    assert.equal(allClose(a, tf.tensor1d([1, 2, 1000.02])), false);
    assert.equal(allClose(a, tf.tensor1d([1.1, 2, 1000]), { atol: 0.2 }), true);
    assert.equal(allClose(tf.tensor1d([Number.NaN]), tf.tensor1d([Number.NaN])), false);
    assert.equal(allClose(tf.tensor1d([Number.POSITIVE_INFINITY]), tf.tensor1d([Number.POSITIVE_INFINITY])), true);
  });

  it('throws on different shapes, naming both', () => {
    assert.throws(() => allClose(tf.zeros([2, 3]), tf.zeros([3, 2])), /allClose: shapes differ, \[2, 3\] vs \[3, 2\]/);
  });
});
