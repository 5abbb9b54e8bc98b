/**
 * `History`: per-epoch metrics of a training run.
 */
import { readFileSync } from 'node:fs';
import { writeFileWholeSync } from '../io/write-whole.js';

/** Metrics of one epoch, by name, e.g. `{ loss: 0.52, valLoss: 0.61, valAccuracy: 0.8 }`. */
export type EpochMetrics = Record<string, number>;

/** The JSON form of a {@link History}: a list per metric (NaN is written as null). */
export interface HistoryJSON {
  /** Number of recorded epochs. */
  epochs: number;
  /** One value per epoch and metric; a metric missing in an epoch is null there. */
  history: Record<string, (number | null)[]>;
}

/**
 * Per-epoch metrics of a training run: one list of numbers per metric name, one entry per epoch.
 *
 * A metric that appears in some epochs only has `NaN` in the others, so every list has `epochs`
 * entries.
 *
 * PyTorch: none (tutorials append to Python lists); tf.js: the `History` returned by `model.fit`
 * (`history.history.loss`).
 *
 * @example
 * ```ts
 * const history = new History();
 * for (let epoch = 0; epoch < numEpochs; epoch++) {
 *   const loss = await trainStep(model, trainLoader, { lossFn: crossEntropyLoss, optimizer });
 *   const val = await valStep(model, valLoader, { lossFn: crossEntropyLoss });
 *   history.record({ loss, valLoss: val.loss, valAccuracy: val.accuracy });
 * }
 * history.get('valAccuracy'); // one number per epoch
 * ```
 */
export class History {
  /** One list per metric, one entry per epoch (like tf.js's `History.history`). */
  readonly history: Record<string, number[]> = {};
  private numEpochs = 0;

  /** Number of recorded epochs. */
  get epochs(): number {
    return this.numEpochs;
  }

  /** Metric names, in the order they first appeared. */
  get names(): string[] {
    return Object.keys(this.history);
  }

  /**
   * Appends one epoch's metrics.
   *
   * @param metrics - plain numbers by name (e.g. `{ loss, valLoss, valAccuracy }`).
   */
  record(metrics: EpochMetrics): void {
    for (const [name, value] of Object.entries(metrics)) {
      if (typeof value !== 'number') {
        throw new Error(
          `History.record: metric "${name}" is ${typeof value}, expected a number (read tensors with .dataSync()[0] or .arraySync())`,
        );
      }
    }
    for (const name of Object.keys(metrics)) {
      this.history[name] ??= new Array<number>(this.numEpochs).fill(Number.NaN);
    }
    for (const [name, values] of Object.entries(this.history)) {
      values.push(metrics[name] ?? Number.NaN);
    }
    this.numEpochs += 1;
  }

  /** The values of metric `name`, one per epoch (a copy). */
  get(name: string): number[] {
    const values = this.history[name];
    if (values === undefined) {
      throw new Error(`History.get: no metric "${name}"; recorded metrics: ${this.names.join(', ') || '(none yet)'}`);
    }
    return [...values];
  }

  /** The metrics of the last recorded epoch, or undefined before the first. */
  last(): EpochMetrics | undefined {
    if (this.numEpochs === 0) return undefined;
    const result: EpochMetrics = {};
    for (const [name, values] of Object.entries(this.history)) result[name] = values[this.numEpochs - 1] as number;
    return result;
  }

  /** A JSON-ready copy (`JSON.stringify(history)` uses it). */
  toJSON(): HistoryJSON {
    const history: Record<string, (number | null)[]> = {};
    for (const [name, values] of Object.entries(this.history)) {
      history[name] = values.map((v) => (Number.isNaN(v) ? null : v));
    }
    return { epochs: this.numEpochs, history };
  }

  /** Rebuilds a History from {@link History.toJSON}'s output (null becomes NaN). */
  static fromJSON(json: HistoryJSON): History {
    const result = new History();
    for (let epoch = 0; epoch < json.epochs; epoch++) {
      const metrics: EpochMetrics = {};
      for (const [name, values] of Object.entries(json.history)) {
        if (values.length !== json.epochs) {
          throw new Error(`History.fromJSON: metric "${name}" has ${values.length} values, expected ${json.epochs} (one per epoch)`);
        }
        metrics[name] = values[epoch] ?? Number.NaN;
      }
      result.record(metrics);
    }
    return result;
  }

  /**
   * Writes the history to `path` as JSON ({@link History.toJSON}), so that a later notebook can
   * plot a run without training again.
   *
   * PyTorch: none (tutorials pickle their lists); like saving tf.js's `history.history` with `JSON.stringify`.
   *
   * @example
   * history.save('ag-news-history.json');
   */
  save(path: string): void {
    writeFileWholeSync(path, `${JSON.stringify(this, null, 1)}\n`);
  }

  /**
   * Reads a history that {@link History.save} wrote.
   *
   * @example
   * const history = History.load('ag-news-history.json'); // written by notebook 06
   */
  static load(path: string): History {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(`History.load: cannot read ${path} (${(error as Error).message}); run the code that calls history.save("${path}") first`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new Error(`History.load: ${path} is not JSON (${(error as Error).message}); expected what history.save wrote`);
    }
    if (typeof json !== 'object' || json === null || typeof (json as HistoryJSON).epochs !== 'number' || typeof (json as HistoryJSON).history !== 'object' || (json as HistoryJSON).history === null) {
      throw new Error(`History.load: ${path} holds no history, expected { "epochs": number, "history": { metric: [values] } } as history.save writes`);
    }
    return History.fromJSON(json as HistoryJSON);
  }
}
