/**
 * A small command-line option parser: `--flag`, `--name value`, `--name=value`, repeated options, positionals.
 */

/**
 * How one option is read.
 *
 * PyTorch: none.
 */
export interface OptionSpec {
  /** Takes a value (`--out dir`) rather than being a flag. */
  value?: boolean;
  /** May be given several times; values are collected in order. */
  repeat?: boolean;
}

/**
 * Parsed arguments: positionals and options (flags as `true`, values as strings, repeated ones as arrays).
 *
 * PyTorch: none.
 */
export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | boolean | string[]>;
}

/**
 * Thrown for a bad command line; the CLI prints the message and exits with code 2.
 *
 * PyTorch: none.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Parse `argv` against option specs; unknown options are a {@link UsageError}.
 *
 * PyTorch: none (argparse).
 */
export function parseArgs(argv: readonly string[], specs: Record<string, OptionSpec>, command: string): ParsedArgs {
  const positionals: string[] = [];
  const options: ParsedArgs['options'] = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      if (arg.startsWith('-') && arg !== '-' && arg !== '-h') {
        throw new UsageError(`${command}: unknown option "${arg}"; see "trainbook ${command} --help"`);
      }
      if (arg === '-h') options.help = true;
      else positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = specs[name];
    if (spec === undefined) throw new UsageError(`${command}: unknown option "--${name}"; see "trainbook ${command} --help"`);
    let value: string | boolean = true;
    if (spec.value) {
      if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < argv.length) value = argv[++i];
      else throw new UsageError(`${command}: option --${name} needs a value`);
    } else if (eq >= 0) {
      throw new UsageError(`${command}: option --${name} takes no value, got "${arg.slice(eq + 1)}"`);
    }
    if (spec.repeat) {
      const list = (options[name] as string[] | undefined) ?? [];
      list.push(String(value));
      options[name] = list;
    } else options[name] = value;
  }
  return { positionals, options };
}
