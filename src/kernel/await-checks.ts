/**
 * Interrupt checks after every `await` of a cell's code.
 *
 * A loop whose awaits resolve at once (`while (true) { await null }`, `await model.trainOnBatch(x, y)`,
 * `await t.data()`) runs on the microtask queue and never returns to the event loop, so neither the kernel's interrupt
 * message nor `breakOnSigint` can stop it. The compiled cell therefore wraps every `await X` as `__tbAwait(await X)`:
 * the hook reads the shared interrupt counter (one atomic load), throws `KeyboardInterrupt` once the cell that started
 * the work was interrupted, and lets the kernel send printed output while the loop runs.
 */
import { ts } from './converter.js';

/** The parameter name the cell wrapper gives the hook. */
export const AWAIT_HOOK = '__tbAwait';

/** Text inserted into one generated line: at 0-based `column` (of the original line), `length` characters. */
export interface Insertion {
  line: number;
  column: number;
  length: number;
}

/**
 * Wrap every `await X` of compiled cell code (CommonJS JavaScript) as `__tbAwait(await X)`. Returns the new code and
 * where text was inserted (lines stay as they are; only columns move), so tracebacks can map columns back.
 *
 * PyTorch: none (Python checks for KeyboardInterrupt between bytecodes by itself).
 */
export function instrumentAwaits(js: string): { code: string; insertions: Insertion[] } {
  if (!js.includes('await')) return { code: js, insertions: [] };
  const file = ts.createSourceFile('cell.js', js, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const edits: { pos: number; text: string }[] = [];
  const visit = (node: import('@tslab/typescript-for-tslab').Node): void => {
    if (ts.isAwaitExpression(node)) {
      edits.push({ pos: node.getStart(file), text: `${AWAIT_HOOK}(` }, { pos: node.end, text: ')' });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (edits.length === 0) return { code: js, insertions: [] };
  let code = js;
  // From the end, so earlier positions stay valid; the sort is stable for equal positions.
  for (const edit of [...edits].sort((a, b) => b.pos - a.pos)) code = code.slice(0, edit.pos) + edit.text + code.slice(edit.pos);
  const insertions = edits.map((edit) => {
    const { line, character } = file.getLineAndCharacterOfPosition(edit.pos);
    return { line, column: character, length: edit.text.length };
  });
  return { code, insertions };
}

/**
 * The column in the original generated line for a 0-based `column` of the instrumented line `line`.
 *
 * PyTorch: none.
 */
export function originalColumn(insertions: readonly Insertion[], line: number, column: number): number {
  const onLine = insertions.filter((i) => i.line === line).sort((a, b) => a.column - b.column);
  let shift = 0;
  for (const insertion of onLine) {
    const start = insertion.column + shift;
    if (column < start) break;
    if (column < start + insertion.length) return insertion.column;
    shift += insertion.length;
  }
  return column - shift;
}
