/**
 * Terminal text to HTML: ANSI colour codes become styled spans, carriage returns overwrite.
 *
 * Kernels print coloured tracebacks and progress bars (`\r` rewrites a line); a static page
 * shows what a terminal would have shown.
 */

/** Escapes text for use in HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

// CSI (ESC [ ... final byte), OSC (ESC ] ... BEL or ESC \), and two-byte escapes.
const ESCAPE_SEQUENCE = /\x1b\[([0-?]*)[ -/]*([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** Removes every ANSI escape sequence (colours, cursor moves, hyperlinks) from `text`. */
export function stripAnsi(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '');
}

/**
 * Applies carriage returns and backspaces the way a terminal does: text after `\r` overwrites
 * the start of the current line, `\b` deletes the previous character.
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

const COLOUR_NAMES = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'] as const;

/** One colour: a palette index 0-15 (styled by CSS classes) or an explicit `rgb(...)`. */
type Colour = number | string | undefined;

interface Style {
  fg: Colour;
  bg: Colour;
  bold: boolean;
  faint: boolean;
  italic: boolean;
  underline: boolean;
  inverse: boolean;
  strike: boolean;
}

const PLAIN: Style = {
  fg: undefined,
  bg: undefined,
  bold: false,
  faint: false,
  italic: false,
  underline: false,
  inverse: false,
  strike: false,
};

/** xterm's 256-colour palette entry `index` (16-255) as `rgb(...)`. */
function xterm256(index: number): string {
  if (index >= 232) {
    const level = 8 + (index - 232) * 10;
    return `rgb(${level},${level},${level})`;
  }
  const cube = index - 16;
  const steps = [0, 95, 135, 175, 215, 255];
  const r = steps[Math.floor(cube / 36) % 6];
  const g = steps[Math.floor(cube / 6) % 6];
  const b = steps[cube % 6];
  return `rgb(${r},${g},${b})`;
}

/** Reads an extended colour (`5;n` or `2;r;g;b`) starting at `codes[at]`; returns it and the codes used. */
function extendedColour(codes: number[], at: number): [Colour, number] {
  if (codes[at] === 5 && codes.length > at + 1) {
    const index = Math.max(0, Math.min(255, codes[at + 1]));
    return [index < 16 ? index : xterm256(index), 2];
  }
  if (codes[at] === 2 && codes.length > at + 3) {
    const [r, g, b] = codes.slice(at + 1, at + 4).map((c) => Math.max(0, Math.min(255, c)));
    return [`rgb(${r},${g},${b})`, 4];
  }
  return [undefined, codes.length - at];
}

/** Applies one SGR (`ESC [ ... m`) parameter list to `style`. */
function applySgr(style: Style, params: string): Style {
  const next = { ...style };
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  for (let i = 0; i < codes.length; i += 1) {
    const code = codes[i];
    if (code === 0) Object.assign(next, PLAIN);
    else if (code === 1) next.bold = true;
    else if (code === 2) next.faint = true;
    else if (code === 3) next.italic = true;
    else if (code === 4) next.underline = true;
    else if (code === 7) next.inverse = true;
    else if (code === 9) next.strike = true;
    else if (code === 22) next.bold = next.faint = false;
    else if (code === 23) next.italic = false;
    else if (code === 24) next.underline = false;
    else if (code === 27) next.inverse = false;
    else if (code === 29) next.strike = false;
    else if (code >= 30 && code <= 37) next.fg = code - 30;
    else if (code >= 90 && code <= 97) next.fg = code - 90 + 8;
    else if (code >= 40 && code <= 47) next.bg = code - 40;
    else if (code >= 100 && code <= 107) next.bg = code - 100 + 8;
    else if (code === 39) next.fg = undefined;
    else if (code === 49) next.bg = undefined;
    else if (code === 38 || code === 48) {
      const [colour, used] = extendedColour(codes, i + 1);
      if (code === 38) next.fg = colour;
      else next.bg = colour;
      i += used;
    }
  }
  return next;
}

function colourClass(colour: number, layer: 'fg' | 'bg'): string {
  const name = COLOUR_NAMES[colour % 8];
  return colour >= 8 ? `ansi-${name}-intense-${layer}` : `ansi-${name}-${layer}`;
}

/** The opening `<span ...>` for `style`, or '' when it is the plain style. */
function openSpan(style: Style): string {
  let fg = style.fg;
  let bg = style.bg;
  if (style.inverse) [fg, bg] = [bg ?? 'inverse-fg', fg ?? 'inverse-bg'];
  const classes: string[] = [];
  const css: string[] = [];
  for (const [colour, layer] of [
    [fg, 'fg'],
    [bg, 'bg'],
  ] as const) {
    if (colour === undefined) continue;
    if (typeof colour === 'number') classes.push(colourClass(colour, layer));
    else if (colour === 'inverse-fg') classes.push('ansi-default-inverse-fg');
    else if (colour === 'inverse-bg') classes.push('ansi-default-inverse-bg');
    else css.push(`${layer === 'fg' ? 'color' : 'background-color'}: ${colour}`);
  }
  if (style.bold) classes.push('ansi-bold');
  if (style.faint) classes.push('ansi-faint');
  if (style.italic) classes.push('ansi-italic');
  if (style.underline) classes.push('ansi-underline');
  if (style.strike) classes.push('ansi-strike');
  if (classes.length === 0 && css.length === 0) return '';
  const classAttr = classes.length > 0 ? ` class="${classes.join(' ')}"` : '';
  const styleAttr = css.length > 0 ? ` style="${css.join('; ')}"` : '';
  return `<span${classAttr}${styleAttr}>`;
}

/**
 * Converts terminal text with ANSI SGR codes to escaped HTML with `<span>`s: the 16 palette
 * colours become `ansi-<colour>[-intense]-fg|bg` classes (styled by the page's CSS), 256-colour
 * and 24-bit colours become inline `rgb(...)`, and bold/faint/italic/underline/strike become
 * `ansi-*` classes. Other escape sequences (cursor moves, line erases, hyperlinks) are dropped.
 *
 * PyTorch: none (Jupyter front ends do the same for tracebacks and stream output).
 *
 * @example
 * ansiToHtml('\x1b[31mError\x1b[0m <b>') // '<span class="ansi-red-fg">Error</span> &lt;b&gt;'
 */
export function ansiToHtml(text: string): string {
  let html = '';
  let style: Style = PLAIN;
  let open = '';
  let last = 0;
  const emit = (chunk: string): void => {
    if (chunk === '') return;
    html += open === '' ? escapeHtml(chunk) : `${open}${escapeHtml(chunk)}</span>`;
  };
  for (const match of text.matchAll(ESCAPE_SEQUENCE)) {
    const start = match.index ?? 0;
    emit(text.slice(last, start));
    last = start + match[0].length;
    if (match[2] === 'm') {
      style = applySgr(style, match[1] ?? '');
      open = openSpan(style);
    }
  }
  emit(text.slice(last));
  return html;
}
