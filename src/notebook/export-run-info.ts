/**
 * The run record the runner stores in an executed notebook's metadata, as the exporter reads it.
 */
import type { Notebook } from './nbformat.js';

/**
 * How the runner's execution went, stored in notebook metadata under `trainbook`:
 *
 * ```json
 * "metadata": { "trainbook": { "status": "failed", "failedCell": 7, "failedCellId": "a1b2c3d4",
 *   "error": "TypeError: x is undefined", "duration": 12.5, "quick": true, "executedAt": "2026-11-21T21:00:00Z" } }
 * ```
 *
 * Only `status` is required. PyTorch: none.
 */
export interface RunInfo {
  /** `ok` when every cell ran, `failed` when a cell raised, timed out or the kernel died. */
  status: 'ok' | 'failed';
  /** 1-based index (over all cells, markdown included) of the cell that failed. */
  failedCell?: number;
  /** nbformat `id` of the cell that failed (preferred over `failedCell` when both are set). */
  failedCellId?: string;
  /** One-line error message of the failure. */
  error?: string;
  /** Wall-clock seconds of the whole run (kernel start to the end of the last cell). */
  duration?: number;
  /** Whether the notebook ran in quick mode. */
  quick?: boolean;
  /** ISO 8601 time the run finished. */
  executedAt?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads `metadata.trainbook` of an executed notebook; undefined when absent or when its `status`
 * is not `ok`/`failed`. Mistyped optional fields are ignored rather than trusted.
 */
export function readRunInfo(notebook: Notebook): RunInfo | undefined {
  const raw = notebook.metadata.trainbook;
  if (!isRecord(raw)) return undefined;
  if (raw.status !== 'ok' && raw.status !== 'failed') return undefined;
  const info: RunInfo = { status: raw.status };
  if (typeof raw.failedCell === 'number' && Number.isInteger(raw.failedCell)) info.failedCell = raw.failedCell;
  if (typeof raw.failedCellId === 'string') info.failedCellId = raw.failedCellId;
  if (typeof raw.error === 'string') info.error = raw.error;
  if (typeof raw.duration === 'number' && Number.isFinite(raw.duration) && raw.duration >= 0) info.duration = raw.duration;
  if (typeof raw.quick === 'boolean') info.quick = raw.quick;
  if (typeof raw.executedAt === 'string') info.executedAt = raw.executedAt;
  return info;
}
