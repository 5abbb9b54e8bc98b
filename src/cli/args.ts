/**
 * The CLI's one argument parser: Node's `util.parseArgs`, with its errors turned into usage errors
 * that name the command, the option and what it accepts.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

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

/** The options a command accepts, as `util.parseArgs` takes them. */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

type Parsed<O extends CommandOptions> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

function describeOption(name: string, config: CommandOptions[string]): string {
  const short = config.short === undefined ? '' : `-${config.short}, `;
  return `${short}--${name}${config.type === 'string' ? ' <value>' : ''}`;
}

/**
 * Parses `argv` (the words after the command's name) against `options` with `util.parseArgs`
 * (strict, positionals allowed). An unknown option, a missing value or a value given to a flag is
 * a {@link UsageError} that names the option and lists what the command accepts.
 *
 * PyTorch: none (argparse).
 *
 * @example
 * const { values, positionals } = parseCommandLine('clean', argv, { check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
 */
export function parseCommandLine<const O extends CommandOptions>(command: string, argv: readonly string[], options: O): Parsed<O> {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = (error as Error).message;
    const named = message.match(/'(-[^' ]+)/)?.[1] ?? '';
    const accepted = Object.entries(options).map(([name, config]) => describeOption(name, config)).join(', ');
    const help = `see "trainbook ${command} --help"`;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new UsageError(`${command}: unknown option "${named}"; accepted: ${accepted} (${help})`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = named.replace(/^-+/, '').split(/[ =]/)[0];
      const config = Object.entries(options).find(([long, c]) => long === name || c.short === name);
      if (config !== undefined && config[1].type === 'string') {
        const dash = message.includes('ambiguous') ? `; write a value that starts with "-" as --${config[0]}=<value>` : '';
        throw new UsageError(`${command}: option --${config[0]} needs a value (${describeOption(config[0], config[1])}${dash}; ${help})`);
      }
      throw new UsageError(`${command}: option ${named.split('=')[0]} takes no value (${help})`);
    }
    throw new UsageError(`${command}: ${message} (${help})`);
  }
}

/**
 * Reads a whole number of at least `min` from an option's text; anything else (`2.5`, `0`, `-1`,
 * `x`, `''`) is a {@link UsageError} that shows the value and what is accepted.
 *
 * PyTorch: none (argparse's `type=int`).
 *
 * @example
 * wholeNumberOption('run', 'jobs', '4', 1) // 4
 */
export function wholeNumberOption(command: string, name: string, text: string, min: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min) {
    throw new UsageError(`${command}: --${name} is "${text}", expected a whole number of at least ${min} (e.g. --${name} ${Math.max(min, 2)})`);
  }
  return value;
}

/**
 * Reads a positive number of seconds (fractions allowed) from an option's text; anything else is a
 * {@link UsageError} that shows the value and what is accepted.
 *
 * PyTorch: none (argparse's `type=float`).
 */
export function positiveNumberOption(command: string, name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new UsageError(`${command}: --${name} is "${text}", expected a positive number`);
  }
  return value;
}
