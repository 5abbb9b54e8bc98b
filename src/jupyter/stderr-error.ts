/**
 * An nbformat `error` output for a failed cell whose kernel sent no `error` message (tslab prints its errors to
 * stderr and replies `status: error` without ename).
 */
import { stripVTControlCharacters } from 'node:util';
import type { IError } from '@jupyterlab/nbformat';
import type { CellOutput } from './iopub-outputs.js';
import type { JsonObject } from './wire.js';

/**
 * Build an nbformat `error` output from a kernel's stderr text when the kernel sent none (tslab): the last
 * `Name: message` line gives ename/evalue, a TypeScript diagnostic `line:col - message` gives a `TypeScriptError`.
 *
 * PyTorch: none.
 */
export function errorFromStderr(stderr: string): IError {
  const lines = stripVTControlCharacters(stderr).split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
  const traceback = lines.length > 0 ? lines : ['(the kernel reported an error but printed no message)'];
  const diagnostic = lines.find((l) => /^\d+:\d+ - /.test(l));
  if (diagnostic !== undefined) {
    const diagnostics = lines.filter((l) => /^\d+:\d+ - /.test(l));
    return { output_type: 'error', ename: 'TypeScriptError', evalue: diagnostics.join('\n'), traceback };
  }
  const named = lines.find((l) => /^(?:Uncaught )?[A-Za-z_$][\w$]*(?:Error|Exception)\b(?: \[[^\]]*\])?:/.test(l));
  if (named !== undefined) {
    const match = /^(?:Uncaught )?([A-Za-z_$][\w$]*)(?: \[[^\]]*\])?: ?(.*)$/.exec(named);
    if (match) return { output_type: 'error', ename: match[1], evalue: match[2], traceback };
  }
  return { output_type: 'error', ename: 'Error', evalue: lines[0] ?? 'the kernel reported an error', traceback };
}

/**
 * The error of a failed cell whose kernel sent no `error` message: from the reply's ename/evalue, else from the
 * cell's stderr stream outputs.
 *
 * PyTorch: none.
 */
export function errorFromReplyOrStderr(reply: JsonObject, outputs: readonly CellOutput[]): IError {
  if (typeof reply.ename === 'string') {
    return {
      output_type: 'error',
      ename: reply.ename,
      evalue: String(reply.evalue ?? ''),
      traceback: Array.isArray(reply.traceback) ? reply.traceback.map(String) : [`${reply.ename}: ${String(reply.evalue ?? '')}`],
    };
  }
  const stderr = outputs
    .filter((o) => o.output_type === 'stream' && o.name === 'stderr')
    .map((o) => (o.output_type === 'stream' ? (Array.isArray(o.text) ? o.text.join('') : o.text) : ''))
    .join('');
  return errorFromStderr(stderr);
}
