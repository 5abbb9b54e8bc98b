/**
 * Terminal text to HTML: ANSI colour codes become styled spans (ansi_up), carriage returns overwrite.
 *
 * Kernels print coloured tracebacks and progress bars (`\r` rewrites a line); a static page
 * shows what a terminal would have shown.
 */
import { AnsiUp } from 'ansi_up';

/**
 * Applies carriage returns and backspaces the way a terminal does: text after `\r` overwrites
 * the start of the current line, `\b` deletes the previous character. Hand-written because ansi_up
 * leaves `\r` and `\b` alone and no kept package does this on its own (Jupyter front ends carry
 * their own copy too).
 *
 * @example
 * applyCarriageReturns('epoch 1 10%\repoch 1 100%\n') // 'epoch 1 100%\n'
 */
export function applyCarriageReturns(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => {
      let current = '';
      for (const part of line.split('\r')) current = part + current.slice(part.length);
      while (current.includes('\x08')) current = current.replace(/[^\x08]?\x08/, '');
      return current;
    })
    .join('\n');
}

/**
 * Converts terminal text with ANSI SGR codes to escaped HTML with ansi_up in class mode: the 16
 * palette colours become `ansi-<colour>-fg|bg` and `ansi-bright-<colour>-fg|bg` classes (styled by
 * the page's CSS), 256-colour and 24-bit colours inline `rgb(...)`, bold, faint, italic and
 * underline inline styles; `http`/`https` OSC 8 hyperlinks become links. Other escape sequences
 * (cursor moves, line erases) are dropped.
 *
 * PyTorch: none (Jupyter front ends do the same for tracebacks and stream output).
 *
 * @example
 * ansiToHtml('\x1b[31mError\x1b[0m <b>') // '<span class="ansi-red-fg">Error</span> &lt;b&gt;'
 */
export function ansiToHtml(text: string): string {
  // One converter per text: ansi_up keeps the style of the previous call.
  const converter = new AnsiUp();
  converter.use_classes = true;
  return converter.ansi_to_html(text);
}
