/**
 * `loadIris`: the Iris data set from `data/iris/iris.csv`, as a DataFrame and as tensors.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import type { DataFrame } from 'danfojs-node';
import { readLines } from './csv.js';

const require = createRequire(import.meta.url);

/** Column names of the Iris frame (scikit-learn's), then the class index column. */
export const IRIS_COLUMNS = [
  'sepal length (cm)',
  'sepal width (cm)',
  'petal length (cm)',
  'petal width (cm)',
  'target',
] as const;

/** What {@link loadIris} returns. */
export interface Iris {
  /**
   * The rows as a danfojs DataFrame: four feature columns and `target` (class index). Built on first
   * read, so a notebook that never looks at it does not load danfojs (about 50 MB per kernel).
   */
  readonly frame: DataFrame;
  /** Features `[150, 4]` float32: sepal length, sepal width, petal length, petal width (cm). */
  features: tf.Tensor2D;
  /** Class indices `[150]` int32, 0 to 2. */
  labels: tf.Tensor1D;
  /** Class names by index: `['setosa', 'versicolor', 'virginica']`. */
  classNames: string[];
}

/** Parses and checks the file; every error names the file and the 1-based line. */
function parseIris(path: string): { features: number[]; labels: number[]; classNames: string[] } {
  const lines = readLines(path, 'loadIris');
  const header = (lines[0] ?? '').split(',');
  const numRows = Number(header[0]);
  const numFeatures = Number(header[1]);
  const classNames = header.slice(2).map((s) => s.trim());
  if (header.length < 3 || !Number.isInteger(numRows) || !Number.isInteger(numFeatures) || numFeatures < 1 || numRows < 0) {
    throw new Error(
      `loadIris: ${path} line 1: expected a header "<rows>,<features>,<class names...>" like ` +
        `"150,4,setosa,versicolor,virginica", got "${lines[0] ?? ''}"`,
    );
  }
  const expectedFields = numFeatures + 1;
  const features: number[] = [];
  const labels: number[] = [];
  const dataLines = lines.slice(1);
  dataLines.forEach((line, k) => {
    const lineNumber = k + 2;
    const fields = line.split(',');
    if (fields.length !== expectedFields) {
      throw new Error(
        `loadIris: ${path} line ${lineNumber}: malformed row with ${fields.length} fields, expected ${expectedFields} ` +
          `(${numFeatures} features and a class index): "${line}"`,
      );
    }
    for (let column = 0; column < numFeatures; column++) {
      const text = (fields[column] as string).trim();
      const value = Number(text);
      if (text === '' || !Number.isFinite(value)) {
        throw new Error(
          `loadIris: ${path} line ${lineNumber}: column ${column + 1} (${IRIS_COLUMNS[column] ?? `feature ${column}`}) ` +
            `is not a number: "${fields[column] as string}"`,
        );
      }
      features.push(value);
    }
    const labelText = (fields[numFeatures] as string).trim();
    const label = Number(labelText);
    if (labelText === '' || !Number.isInteger(label) || label < 0 || label >= classNames.length) {
      throw new Error(
        `loadIris: ${path} line ${lineNumber}: unknown label "${fields[numFeatures] as string}", ` +
          `expected a class index 0 to ${classNames.length - 1} (${classNames.map((c, i) => `${i}=${c}`).join(', ')})`,
      );
    }
    labels.push(label);
  });
  if (dataLines.length !== numRows) {
    throw new Error(`loadIris: ${path}: the header announces ${numRows} rows, the file has ${dataLines.length}`);
  }
  if (numFeatures !== 4) {
    throw new Error(`loadIris: ${path} line 1: the header announces ${numFeatures} features, expected Iris's 4`);
  }
  return { features, labels, classNames };
}

/**
 * Loads the Iris data set (150 flowers, 4 measurements, 3 species) from its CSV file.
 *
 * The file is checked before danfojs reads it, so bad input gives an error naming the file and the
 * line (missing file, wrong field count, a feature that is not a number, an unknown class index).
 * The tensors are built from the checked values; `frame` holds the same rows for display, made
 * from the same values the first time it is read.
 *
 * Ownership: the caller owns (disposes) `features` and `labels`.
 *
 * PyTorch: `sklearn.datasets.load_iris()` (`data`, `target`, `target_names`, `frame`).
 *
 * @param path - the CSV, e.g. `'../../data/iris/iris.csv'` from a notebook in `notebooks/iris/`.
 * @example
 * ```ts
 * const iris = await loadIris('../../data/iris/iris.csv');
 * iris.frame.head().print();
 * iris.features.shape; // [150, 4]
 * ```
 */
export async function loadIris(path: string): Promise<Iris> {
  const parsed = parseIris(path);
  const n = parsed.labels.length;
  let frame: DataFrame | undefined;
  return {
    get frame(): DataFrame {
      if (frame === undefined) {
        const rows = parsed.labels.map((label, i) => [...parsed.features.slice(i * 4, i * 4 + 4), label]);
        // danfojs-node is CommonJS, so it loads synchronously inside this getter.
        const dfd = require('danfojs-node') as typeof import('danfojs-node');
        frame = new dfd.DataFrame(rows, { columns: [...IRIS_COLUMNS] });
      }
      return frame;
    },
    features: tf.tensor2d(parsed.features, [n, 4], 'float32'),
    labels: tf.tensor1d(parsed.labels, 'int32'),
    classNames: parsed.classNames,
  };
}
