/**
 * `loadTable`: any CSV whose columns are named, as feature and target tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { parseCsvRecords } from './csv-records.js';
import { readTextFile } from './csv.js';

/** Options of {@link loadTable}. */
export interface LoadTableOptions {
  /** The feature columns, by their names in the header line, in the order of the feature tensor's columns. */
  features: readonly string[];
  /** The target column's name. */
  target: string;
  /**
   * `'regression'`: the target is a number (float32 targets); `'classification'`: the target is a
   * class, either a class index 0, 1, 2, ... or a name (int32 targets).
   */
  task: 'regression' | 'classification';
  /**
   * The character between fields.
   * @default ','
   */
  delimiter?: string;
}

/** What {@link loadTable} returns. */
export interface Table {
  /** Features `[rows, features.length]` float32, columns in the order of `featureNames`. */
  features: tf.Tensor2D;
  /** Targets `[rows]`: float32 for regression, int32 class indices for classification. */
  targets: tf.Tensor1D;
  /** The feature columns' names, as asked for. */
  featureNames: string[];
  /** The target column's name. */
  targetName: string;
  /** The task, as asked for. */
  task: 'regression' | 'classification';
  /**
   * Classification: the class names by index (the indices themselves as text when the column holds
   * indices, else the distinct names sorted, as scikit-learn's `LabelEncoder` numbers them).
   * Regression: empty.
   */
  classNames: string[];
}

/** A readable list of names for messages. */
function list(names: readonly string[]): string {
  return names.map((name) => JSON.stringify(name)).join(', ');
}

/**
 * Loads a CSV file whose first line names the columns: the chosen feature columns become a
 * float32 tensor `[rows, features]`, the target column a tensor `[rows]` (float32 numbers for
 * regression, int32 class indices for classification). Other columns are ignored. A gzip file is
 * read as text (see `readCSV`).
 *
 * The file is checked as it is read, so bad input fails here, naming the file and the line: a
 * column asked for that the header lacks (with the columns it has), a row with the wrong number of
 * fields, an empty or non-numeric feature (or regression target), a class index that is negative
 * or not a whole number.
 *
 * Ownership: the caller owns (disposes) `features` and `targets`.
 *
 * PyTorch: none in torch itself; what a tutorial writes with `pandas.read_csv` and
 * `torch.tensor(df[features].values, dtype=torch.float32)` (or scikit-learn's
 * `load_*(return_X_y=True)`).
 *
 * @param path - the CSV file (`.csv` or `.csv.gz`), relative to the working directory.
 * @param options - `{ features, target, task }`, see {@link LoadTableOptions}.
 * @example
 * ```ts
 * const table = loadTable('../../data/diabetes/diabetes.csv.gz', {
 *   features: ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'],
 *   target: 'progression',
 *   task: 'regression',
 * });
 * table.features.shape; // [442, 10]
 * ```
 */
export function loadTable(path: string, options: LoadTableOptions): Table {
  const { features: featureNames, target, task, delimiter = ',' } = options;
  if (task !== 'regression' && task !== 'classification') {
    throw new Error(`loadTable: task is ${JSON.stringify(task)}, expected 'regression' (a number to predict) or 'classification' (a class)`);
  }
  if (!Array.isArray(featureNames) || featureNames.length === 0) {
    throw new Error('loadTable: features is empty; name the feature columns, e.g. { features: ["age", "bmi"], target: "y", task: "regression" }');
  }
  const duplicate = featureNames.find((name, i) => featureNames.indexOf(name) !== i);
  if (duplicate !== undefined) throw new Error(`loadTable: the feature ${JSON.stringify(duplicate)} is named twice; name each column once`);
  if (featureNames.includes(target)) {
    throw new Error(`loadTable: the target ${JSON.stringify(target)} is also a feature; a model must not get the answer as an input`);
  }
  const records = parseCsvRecords(readTextFile(path, 'loadTable'), path, { delimiter }).filter(({ fields }) => fields.length > 0);
  const header = records[0];
  if (header === undefined) throw new Error(`loadTable: ${path} is empty, expected a header line naming the columns and rows below`);
  const names = header.fields.map((name) => name.trim());
  const columnOf = (name: string): number => {
    const column = names.indexOf(name);
    if (column < 0) {
      throw new Error(`loadTable: ${path} line ${header.line}: no column ${JSON.stringify(name)}; the header names ${list(names)}`);
    }
    return column;
  };
  const featureColumns = featureNames.map(columnOf);
  const targetColumn = columnOf(target);
  const rows = records.slice(1);
  if (rows.length === 0) throw new Error(`loadTable: ${path} has a header but no rows`);

  const values = new Float32Array(rows.length * featureNames.length);
  const targetTexts: string[] = [];
  const number = (text: string, line: number, name: string): number => {
    const trimmed = text.trim();
    const value = Number(trimmed);
    if (trimmed === '') {
      throw new Error(`loadTable: ${path} line ${line}, column ${JSON.stringify(name)}: the value is empty (a missing value); fill it in or drop the row`);
    }
    if (!Number.isFinite(value)) {
      throw new Error(`loadTable: ${path} line ${line}, column ${JSON.stringify(name)}: ${JSON.stringify(text)} is not a number`);
    }
    return value;
  };
  rows.forEach(({ line, fields }, row) => {
    if (fields.length !== names.length) {
      throw new Error(
        `loadTable: ${path} line ${line}: found ${fields.length} field${fields.length === 1 ? '' : 's'}, expected ${names.length} ` +
          `(the columns ${names.join(', ')}); fix this row (a missing or extra delimiter, or a quote that is not closed)`,
      );
    }
    featureColumns.forEach((column, k) => {
      values[row * featureColumns.length + k] = number(fields[column] as string, line, featureNames[k] as string);
    });
    targetTexts.push(fields[targetColumn] as string);
  });

  let targets: tf.Tensor1D;
  let classNames: string[] = [];
  if (task === 'regression') {
    targets = tf.tensor1d(targetTexts.map((text, row) => number(text, (rows[row] as { line: number }).line, target)), 'float32');
  } else {
    const trimmed = targetTexts.map((text) => text.trim());
    const empty = trimmed.indexOf('');
    if (empty >= 0) {
      throw new Error(`loadTable: ${path} line ${(rows[empty] as { line: number }).line}, column ${JSON.stringify(target)}: the class is empty; fill it in or drop the row`);
    }
    const numeric = trimmed.map(Number);
    if (numeric.every((value) => Number.isFinite(value))) {
      const bad = numeric.findIndex((value) => !Number.isInteger(value) || value < 0);
      if (bad >= 0) {
        throw new Error(
          `loadTable: ${path} line ${(rows[bad] as { line: number }).line}, column ${JSON.stringify(target)}: ${JSON.stringify(targetTexts[bad])} ` +
            "is not a class index (0, 1, 2, ...); for a number to predict use task: 'regression'",
        );
      }
      // A loop, not Math.max(...numeric): spreading a few hundred thousand values overflows the stack.
      const largest = numeric.reduce((max, value) => Math.max(max, value), 0);
      classNames = Array.from({ length: largest + 1 }, (_, i) => String(i));
      targets = tf.tensor1d(numeric, 'int32');
    } else {
      classNames = [...new Set(trimmed)].sort();
      const indexOf = new Map(classNames.map((name, index) => [name, index]));
      targets = tf.tensor1d(trimmed.map((name) => indexOf.get(name) as number), 'int32');
    }
  }
  return {
    features: tf.tensor2d(values, [rows.length, featureNames.length], 'float32'),
    targets,
    featureNames: [...featureNames],
    targetName: target,
    task,
    classNames,
  };
}
