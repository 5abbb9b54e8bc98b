/**
 * A training chart that redraws in place while the loop runs (Jupyter display ids).
 */
import { historyFigure, metricLabel, type PlotHistoryOptions } from './plot.js';
import { figureBundle, takePlotlyLibrary } from './plotly.js';
import { getDisplaySink, newDisplayId, type DisplaySink, type MimeBundle } from './sink.js';
import { Throttle } from './throttle.js';

/** Options of {@link liveChart}. */
export interface LiveChartOptions extends PlotHistoryOptions {
  /** Minimum time between two redraws in a notebook; the last state is always drawn. @default 250 (at most 4 redraws a second) */
  throttleMs?: number;
  /** Minimum time between two printed lines when there is no notebook (plain Node). @default 1000 */
  consoleThrottleMs?: number;
}

/**
 * A chart of metrics per epoch that updates one output in place.
 *
 * PyTorch: none in the tutorials (they print the loss each epoch); similar to livelossplot.
 */
export interface LiveChart {
  /** The metrics received so far, one array per name (index 0 is epoch 1). */
  readonly history: Record<string, number[]>;
  /** Appends the metrics of the next epoch and redraws (throttled). */
  push(metrics: Readonly<Record<string, number>>): void;
  /**
   * Sets metrics of epoch `epoch` (1-based: the last epoch, or the next one), e.g. running values
   * during an epoch, and redraws (throttled). Metrics not named keep their values.
   */
  update(epoch: number, metrics: Readonly<Record<string, number>>): void;
  /**
   * Draws the final state now (always) and stops; later `push`/`update` throw. Returns nothing,
   * so that a cell ending in `chart.close();` prints nothing (read `chart.history` instead).
   */
  close(): void;
}

function formatValue(key: string, value: number): string {
  return /acc/i.test(key) && value >= 0 && value <= 1 ? `${(100 * value).toFixed(2)}%` : value.toFixed(4);
}

/** `epoch 3/10: train loss 0.4210, validation accuracy 93.33%` for the text output. */
function summaryLine(history: Record<string, number[]>, maxEpochs: number | undefined, done: boolean): string {
  const epochs = Math.max(0, ...Object.values(history).map((v) => v.length));
  if (epochs === 0) return 'live chart: waiting for the first epoch';
  const parts = Object.entries(history)
    .filter(([, values]) => values.length === epochs)
    .map(([key, values]) => `${metricLabel(key)} ${formatValue(key, values[epochs - 1] ?? Number.NaN)}`);
  return `${done ? 'final, ' : ''}epoch ${epochs}${maxEpochs === undefined ? '' : `/${maxEpochs}`}: ${parts.join(', ')}`;
}

/**
 * Shows a chart of loss and accuracy per epoch that redraws in place as metrics arrive
 * (at most 4 times a second by default), and prints one line per second instead when
 * there is no notebook. Call `close()` after the loop to draw the final state.
 *
 * Each redraw replaces the output's HTML and draws on its own with the plotly.js that the
 * session's first plot output embedded; if this chart is that first plot, the library goes in
 * a separate output just above the chart, so redraws stay small.
 *
 * Loops that await per epoch or batch (as loops over a DataLoader do) give the kernel time to
 * send each redraw; a loop that never awaits may show its redraws only when the cell ends.
 *
 * PyTorch: printing `loss` each epoch in the training loop; here the same numbers as a chart.
 * @example
 * const chart = liveChart({ title: 'Iris MLP', maxEpochs: numEpochs });
 * for (let epoch = 0; epoch < numEpochs; epoch++) {
 *   // ... train one epoch, compute trainLoss, valLoss, valAccuracy ...
 *   chart.push({ loss: trainLoss, valLoss, valAccuracy });
 * }
 * chart.close();
 */
export function liveChart(options: LiveChartOptions = {}): LiveChart {
  const sink: DisplaySink = getDisplaySink();
  const history: Record<string, number[]> = {};
  const displayId = newDisplayId();
  const title = options.title ?? 'Training history';
  let closed = false;
  let shown = false;

  const bundle = (done: boolean): MimeBundle => {
    const text = summaryLine(history, options.maxEpochs, done);
    if (!sink.rich) return { 'text/plain': text };
    const epochs = Math.max(0, ...Object.values(history).map((v) => v.length));
    const liveTitle = done ? title : `${title} (epoch ${epochs}${options.maxEpochs === undefined ? '' : ` of ${options.maxEpochs}`})`;
    const metrics = options.metrics?.filter((k) => history[k] !== undefined);
    const figure = historyFigure(history, { ...options, title: liveTitle, ...(metrics === undefined ? {} : { metrics }) });
    // A responsive plot keeps a window resize listener (and so its whole DOM) after its output is
    // replaced; frames that the next redraw replaces do without it, the final one keeps it.
    if (!done) figure.config = { responsive: false };
    return { ...figureBundle(figure, { ...options, includePlotlyJs: false, multiMime: sink.multiMime }), 'text/plain': text };
  };

  const render = (done: boolean): void => {
    if (!shown) {
      if (sink.rich) {
        // Its own output, so that in-place redraws (which replace the chart's whole output) need not carry it.
        const library = takePlotlyLibrary(options.includePlotlyJs ?? 'auto');
        if (library !== '') sink.display({ 'text/html': library });
      }
      sink.display(bundle(done), displayId);
      shown = true;
    } else {
      sink.update(bundle(done), displayId);
    }
  };
  const throttle = new Throttle(sink.rich ? (options.throttleMs ?? 250) : (options.consoleThrottleMs ?? 1000), () => render(false), 'liveChart');
  // The output appears where liveChart() is called, before training starts.
  if (sink.rich) {
    render(false);
    throttle.markDrawn();
  }

  const check = (metrics: Readonly<Record<string, number>>): void => {
    if (closed) throw new Error('liveChart: push/update after close(); create a new chart with liveChart()');
    for (const [key, value] of Object.entries(metrics)) {
      if (typeof value !== 'number') throw new Error(`liveChart: metric '${key}' is ${typeof value}, expected a number (use loss.dataSync()[0] or .arraySync() for a tensor)`);
    }
  };

  return {
    history,
    push(metrics) {
      check(metrics);
      const epoch = Math.max(0, ...Object.values(history).map((v) => v.length)) + 1;
      for (const [key, value] of Object.entries(metrics)) {
        const values = (history[key] ??= []);
        while (values.length < epoch - 1) values.push(Number.NaN); // a metric that starts late
        values.push(value);
      }
      throttle.request();
    },
    update(epoch, metrics) {
      check(metrics);
      const epochs = Math.max(0, ...Object.values(history).map((v) => v.length));
      if (!Number.isInteger(epoch) || epoch < 1 || epoch > epochs + 1) {
        throw new Error(`liveChart.update: epoch is ${epoch}, expected an integer from 1 to ${epochs + 1} (epochs are 1-based)`);
      }
      for (const [key, value] of Object.entries(metrics)) {
        const values = (history[key] ??= []);
        while (values.length < epoch) values.push(Number.NaN);
        values[epoch - 1] = value;
      }
      throttle.request();
    },
    close() {
      if (closed) return;
      closed = true;
      throttle.cancel();
      render(true);
    },
  };
}
