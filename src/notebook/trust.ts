/**
 * Jupyter's notebook trust, read from Node: the signature `jupyter trust` stores and JupyterLab checks.
 *
 * nbformat's `NotebookNotary` signs a notebook with an HMAC-SHA256, keyed by the user's secret
 * (`<data dir>/notebook_secret`), over every key and value of the notebook as Python reads it,
 * and keeps the digest in an SQLite table (`<data dir>/nbsignatures.db`). A notebook is trusted
 * when its digest is in that table. Hand-written because no npm package computes nbformat's
 * digest; the JSON parsing (lossless-json, which keeps each number as written) and SQLite
 * (sql.js) are kept libraries.
 */
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { isLosslessNumber, parse as parseLossless } from 'lossless-json';
import initSqlJs, { type SqlJsStatic } from 'sql.js';

/** The HMAC algorithm nbformat signs with by default (`NotebookNotary.algorithm`). PyTorch: none. */
export const SIGNATURE_ALGORITHM = 'sha256';

/**
 * Jupyter's data folder, where the notary keeps its secret and database: `$JUPYTER_DATA_DIR`,
 * else `$XDG_DATA_HOME/jupyter`, else `~/.local/share/jupyter` (`~/Library/Jupyter` on macOS,
 * `%APPDATA%\jupyter` on Windows), as `jupyter --data-dir` prints it.
 *
 * PyTorch: none.
 */
export function jupyterDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.JUPYTER_DATA_DIR !== undefined && env.JUPYTER_DATA_DIR !== '') return env.JUPYTER_DATA_DIR;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Jupyter');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'jupyter');
  const xdg = env.XDG_DATA_HOME;
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.local', 'share'), 'jupyter');
}

/** Python's `str()` of a float, from JavaScript's shortest round-trip digits (both are shortest, so they agree). */
function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa, exp] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exp);
  const point = exponent + 1; // digits before the decimal point
  // CPython's repr: scientific when the exponent is below -4 or at least 16.
  if (exponent < -4 || exponent >= 16) {
    const rest = digits.slice(1);
    const e = Math.abs(exponent);
    return `${sign}${digits[0]}${rest === '' ? '' : `.${rest}`}e${exponent < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * Python's `str()` of the number a JSON literal parses to (`json.loads` makes an int when there is no `.`, `e` or `E`).
 *
 * PyTorch: none.
 *
 * @example
 * pythonNumberText('1e-5') // '1e-05'
 */
export function pythonNumberText(literal: string): string {
  return /[.eE]/.test(literal) ? pythonFloat(Number(literal)) : BigInt(literal).toString();
}

/** Compares strings by code point, as Python's `sorted` does (JavaScript's default compares UTF-16 units). */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i].codePointAt(0) ?? 0) - (y[i].codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Feeds `value` to `update` as nbformat's `yield_everything` yields it. */
function feed(value: unknown, update: (text: string) => void): void {
  if (isLosslessNumber(value)) update(pythonNumberText(value.value));
  else if (typeof value === 'string') update(value);
  else if (value === null) update('None');
  else if (typeof value === 'boolean') update(value ? 'True' : 'False');
  else if (Array.isArray(value)) for (const item of value) feed(item, update);
  else if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record).sort(byCodePoint)) {
      update(key);
      feed(record[key], update);
    }
  } else throw new Error(`notebookSignature: unexpected ${typeof value} in parsed JSON`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The signature nbformat's `NotebookNotary.compute_signature` gives the notebook file `text`
 * (hex HMAC-SHA256 keyed by `secret`, the bytes of `notebook_secret`), or undefined when Jupyter
 * could not give a stable one: an nbformat 4.5 notebook with a missing or repeated cell id gets
 * fresh random ids each time Jupyter reads it, so no stored signature ever matches it. A file with
 * a repeated JSON key also gets undefined (lossless-json refuses it; treated as untrusted).
 *
 * PyTorch: none (`nbformat.sign.NotebookNotary().compute_signature(nbformat.read(path, NO_CONVERT))`).
 */
export function notebookSignature(text: string, secret: Buffer): string | undefined {
  let notebook: unknown;
  try {
    notebook = parseLossless(text);
  } catch {
    return undefined;
  }
  if (!isRecord(notebook) || !isRecord(notebook.metadata) || !Array.isArray(notebook.cells)) {
    throw new Error('notebookSignature: not an nbformat 4 notebook (no metadata object or cells list)');
  }
  const minor = isLosslessNumber(notebook.nbformat_minor) ? Number(notebook.nbformat_minor.value) : 0;
  const cells = notebook.cells.filter(isRecord);
  if (minor >= 5) {
    const ids = cells.map((cell) => cell.id);
    if (ids.some((id) => id === undefined) || new Set(ids.map((id) => JSON.stringify(id))).size !== ids.length) return undefined;
  }
  // What nbformat's reader strips (strip_transient) and what signing leaves out (the old signature).
  for (const key of ['signature', 'orig_nbformat', 'orig_nbformat_minor']) delete notebook.metadata[key];
  for (const cell of cells) if (isRecord(cell.metadata)) delete cell.metadata.trusted;
  const hmac = createHmac(SIGNATURE_ALGORITHM, secret);
  feed(notebook, (piece) => hmac.update(piece, 'utf8'));
  return hmac.digest('hex');
}

let sqlJs: Promise<SqlJsStatic> | undefined;

function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= initSqlJs({ locateFile: (file: string) => createRequire(import.meta.url).resolve(`sql.js/dist/${file}`) });
  return sqlJs;
}

/** Where {@link isTrustedByJupyter} looks. PyTorch: none. */
export interface TrustStore {
  /** Jupyter's data folder. @default jupyterDataDir() */
  dataDir?: string;
}

/**
 * Whether Jupyter trusts the notebook file `text`: its signature, computed with the user's
 * `notebook_secret`, is stored in `nbsignatures.db` (by `jupyter trust`, or by JupyterLab when
 * the user saved outputs they made). False when the secret or the database does not exist.
 * Reads the database without changing it (Jupyter also updates the entry's `last_seen`). Follows
 * nbformat's defaults; a `NotebookNotary` configured to another algorithm or file is not read.
 *
 * PyTorch: none (`NotebookNotary().check_signature(nb)`, what JupyterLab checks on opening).
 *
 * @example
 * if (await isTrustedByJupyter(await readFile('lesson.ipynb', 'utf8'))) console.log('trusted');
 */
export async function isTrustedByJupyter(text: string, store: TrustStore = {}): Promise<boolean> {
  const dataDir = store.dataDir ?? jupyterDataDir();
  const secret = await readFile(join(dataDir, 'notebook_secret')).catch(() => undefined);
  if (secret === undefined) return false;
  const database = await readFile(join(dataDir, 'nbsignatures.db')).catch(() => undefined);
  if (database === undefined) return false;
  const signature = notebookSignature(text, secret);
  if (signature === undefined) return false;
  const SQL = await loadSqlJs();
  const db = new SQL.Database(database);
  try {
    const found = db.exec('SELECT id FROM nbsignatures WHERE algorithm = ? AND signature = ?', [SIGNATURE_ALGORITHM, signature]);
    return found.length > 0 && found[0].values.length > 0;
  } catch (error) {
    throw new Error(`${join(dataDir, 'nbsignatures.db')}: cannot read Jupyter's signature table (${(error as Error).message}); "jupyter trust --reset" rebuilds it`);
  } finally {
    db.close();
  }
}
