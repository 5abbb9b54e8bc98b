/**
 * Turns a kernel's iopub messages into the nbformat outputs of the cell that caused them: streams merged, display ids
 * updated in place (in any cell, as Jupyter frontends do), `clear_output` (with `wait`) applied.
 */
import type { IDisplayData, IError, IExecuteResult, IMimeBundle, IStream, OutputMetadata } from '@jupyterlab/nbformat';
import type { JupyterMessage } from './wire.js';

/** One output of a code cell, as nbformat stores it. */
export type CellOutput = IStream | IDisplayData | IExecuteResult | IError;

/**
 * The outputs of one running execute request, filled from iopub.
 *
 * PyTorch: none.
 */
export interface CellCollector {
  /** The cell's outputs so far, in order. */
  readonly outputs: CellOutput[];
  /** Whether iopub said `status: idle` for the request. */
  idle: boolean;
  /** `performance.now()` of the last iopub message for the request. */
  lastActivity: number;
  /** Execution count from `execute_input`, `null` until it came. */
  executionCount: number | null;
  pendingClear: boolean;
  /** Called whenever the outputs or the idle state change. */
  onChange: () => void;
}

function parentId(msg: JupyterMessage): string | undefined {
  return (msg.parent_header as { msg_id?: string }).msg_id;
}

/**
 * The iopub side of a kernel client: which requests iopub has spoken about, the collectors of running requests, and
 * every output shown with a `display_id`.
 *
 * PyTorch: none (nbclient's `output_hook`).
 */
export class IopubOutputs {
  private readonly seenIds = new Set<string>();
  private readonly collectors = new Map<string, CellCollector>();
  /** Outputs shown with a `display_id`, updated in place by `update_display_data` (across cells). */
  private readonly displays = new Map<string, (IDisplayData | IExecuteResult)[]>();

  /** Whether iopub delivered any message whose parent is the request `msgId`. */
  seen(msgId: string): boolean {
    return this.seenIds.has(msgId);
  }

  /** Start collecting the outputs of the request `msgId`. */
  collect(msgId: string, onChange: () => void): CellCollector {
    const collector: CellCollector = { outputs: [], idle: false, lastActivity: performance.now(), executionCount: null, pendingClear: false, onChange };
    this.collectors.set(msgId, collector);
    return collector;
  }

  /** Stop collecting for `msgId` (later messages for it are ignored, except display updates). */
  release(msgId: string): void {
    this.collectors.delete(msgId);
  }

  /** Apply one iopub message. */
  handle(msg: JupyterMessage): void {
    const id = parentId(msg);
    if (id === undefined) return;
    this.seenIds.add(id);
    const collector = this.collectors.get(id);
    if (collector) collector.lastActivity = performance.now();
    const type = msg.header.msg_type;
    const content = msg.content;
    if (type === 'update_display_data') {
      // Updates apply to every output with that display_id, in any cell, even after the cell finished.
      const displayId = (content.transient as { display_id?: string } | undefined)?.display_id;
      if (displayId === undefined) return;
      for (const output of this.displays.get(displayId) ?? []) {
        output.data = (content.data ?? {}) as IMimeBundle;
        output.metadata = (content.metadata ?? {}) as OutputMetadata;
      }
      collector?.onChange();
      return;
    }
    if (!collector || collector.idle) return;
    if (type === 'status') {
      if (content.execution_state === 'idle') {
        collector.idle = true;
        collector.onChange();
      }
      return;
    }
    if (type === 'execute_input') {
      if (typeof content.execution_count === 'number') collector.executionCount = content.execution_count;
      return;
    }
    if (type === 'clear_output') {
      if (content.wait === true) collector.pendingClear = true;
      else collector.outputs.length = 0;
      collector.onChange();
      return;
    }
    let output: CellOutput | undefined;
    if (type === 'stream') {
      const name = content.name === 'stderr' ? 'stderr' : 'stdout';
      const text = String(content.text ?? '');
      if (collector.pendingClear) {
        collector.outputs.length = 0;
        collector.pendingClear = false;
      }
      const last = collector.outputs[collector.outputs.length - 1];
      if (last !== undefined && last.output_type === 'stream' && last.name === name) {
        last.text = (Array.isArray(last.text) ? last.text.join('') : last.text) + text;
        collector.onChange();
        return;
      }
      output = { output_type: 'stream', name, text };
    } else if (type === 'display_data') {
      output = { output_type: 'display_data', data: (content.data ?? {}) as IMimeBundle, metadata: (content.metadata ?? {}) as OutputMetadata };
    } else if (type === 'execute_result') {
      output = {
        output_type: 'execute_result',
        execution_count: typeof content.execution_count === 'number' ? content.execution_count : collector.executionCount,
        data: (content.data ?? {}) as IMimeBundle,
        metadata: (content.metadata ?? {}) as OutputMetadata,
      };
    } else if (type === 'error') {
      output = {
        output_type: 'error',
        ename: String(content.ename ?? 'Error'),
        evalue: String(content.evalue ?? ''),
        traceback: Array.isArray(content.traceback) ? content.traceback.map(String) : [],
      };
    }
    if (output === undefined) return;
    if (collector.pendingClear) {
      collector.outputs.length = 0;
      collector.pendingClear = false;
    }
    if (output.output_type === 'display_data' || output.output_type === 'execute_result') {
      const displayId = (content.transient as { display_id?: string } | undefined)?.display_id;
      if (displayId !== undefined) {
        const list = this.displays.get(displayId) ?? [];
        list.push(output);
        this.displays.set(displayId, list);
      }
    }
    collector.outputs.push(output);
    collector.onChange();
  }
}
