/**
 * CSV records with the line each starts on, for errors that name file and line.
 *
 * papaparse splits the records (it is what danfojs reads CSV with); this adds line numbers, which
 * papaparse does not report (its row index differs from the line when a quoted field spans lines).
 */
import Papa from 'papaparse';

/** 1-based line numbers of character offsets, counted forward as the offsets grow. */
function lineCounter(text: string): (offset: number) => number {
  let at = 0;
  let line = 1;
  return (offset) => {
    for (; at < offset && at < text.length; at++) if (text.charCodeAt(at) === 10) line++;
    return line;
  };
}

/**
 * Splits CSV text into records with papaparse (RFC 4180 quoting: `""` inside quotes is a quote,
 * commas and line breaks inside quotes are text; backslashes are plain text, as in Python's `csv`).
 *
 * Returns each record with the 1-based line it starts on; a blank line is a record with no fields
 * (Python's `csv.reader` yields `[]`), and a trailing line break makes no extra record. A quoted
 * field that is never closed, or text right after a closing quote, is an error naming file and line.
 *
 * Used by `readCSV` (to check a file before danfojs reads it) and the AG News reader.
 *
 * PyTorch: `csv.reader(file)` as used by torchdata's `parse_csv` (which would join `"x"y` into
 * `xy`; here it is an error).
 *
 * @param text - the file's text.
 * @param file - the file's name, for messages.
 * @param dialect - the field delimiter and quote character. @default `{ delimiter: ',', quoteChar: '"' }`
 */
export function parseCsvRecords(
  text: string,
  file: string,
  dialect: { delimiter?: string; quoteChar?: string } = {},
): Array<{ line: number; fields: string[] }> {
  const { delimiter = ',', quoteChar = '"' } = dialect;
  const records: Array<{ line: number; fields: string[] }> = [];
  const lineOf = lineCounter(text);
  let start = 0;
  Papa.parse<string[]>(text, {
    delimiter,
    quoteChar,
    escapeChar: quoteChar,
    skipEmptyLines: false,
    step: ({ data, errors, meta }) => {
      const line = lineOf(start);
      const problem = errors.find((error) => error.type === 'Quotes');
      if (problem !== undefined) {
        throw new Error(
          problem.code === 'MissingQuotes'
            ? `${file} line ${line}: a quoted field starts here and is never closed (the file ends inside quotes); ` +
                'the file is probably truncated: download it again'
            : `${file} line ${line}: a closing quote is followed by more text in the same field; check the quoting of this row`,
        );
      }
      const blank = data.length === 1 && data[0] === '';
      if (!(blank && start >= text.length)) records.push({ line, fields: blank ? [] : data });
      start = meta.cursor; // where the next row starts (after this row's line break)
    },
  });
  return records;
}
