/**
 * The part of papaparse 5.7's API that trainbook uses (the package ships no types, and
 * `@types/papaparse` is not a dependency).
 */
declare module 'papaparse' {
  /** One problem papaparse found in a row. */
  export interface ParseError {
    type: 'Quotes' | 'Delimiter' | 'FieldMismatch';
    code: 'MissingQuotes' | 'UndetectableDelimiter' | 'TooFewFields' | 'TooManyFields' | 'InvalidQuotes';
    message: string;
    /** Index of the row (in step mode, within the step). */
    row?: number;
    /** Character offset in the input where the problem is. */
    index?: number;
  }
  /** What `step` receives for each row. */
  export interface ParseStepResult<T> {
    data: T;
    errors: ParseError[];
    meta: { cursor: number; linebreak: string; delimiter: string; aborted: boolean; truncated: boolean };
  }
  /** Options of {@link parse} for a string input. */
  export interface ParseConfig<T> {
    delimiter?: string;
    newline?: string;
    quoteChar?: string;
    escapeChar?: string;
    skipEmptyLines?: boolean | 'greedy';
    step?: (result: ParseStepResult<T>) => void;
    /** Whether the first row names the fields (then each row is an object). */
    header?: boolean;
    /** Whether numbers and booleans are converted from text. */
    dynamicTyping?: boolean;
    /** Lines to drop before parsing. */
    skipFirstNLines?: number;
  }
  /** Parses CSV text. */
  export function parse<T = string[]>(input: string, config?: ParseConfig<T>): { data: T[]; errors: ParseError[] };
  const Papa: { parse: typeof parse };
  export default Papa;
}
