import { Command, CommanderError, Option } from 'commander'
import { LabError } from '../world/errors.ts'
import { TOOL_VERSION } from '../suite/conformance.ts'
import { DEFAULT_REPORT_DIR, DEFAULT_RUNS, runCommand } from './commands/run.ts'
import { type CliIo, EXIT_OK, EXIT_USAGE, UsageError } from './io.ts'
import { parseIntegerOption, parseProviders, parseRules } from './options.ts'

const collect = (value: string, previous: string[] = []) => [...previous, value]

/**
 * The CLI as a function of argv and injected IO: returns the exit code, never calls process.exit and
 * never prints a stack trace for a user's mistake.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = EXIT_OK
  const program = new Command()
    .name('reconnect-lab')
    .description(
      'When must a teammate be asked to reconnect, and when never? Conformance suite for OAuth token managers.',
    )
    .version(TOOL_VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(run with --help for usage)')

  program
    .command('run')
    .description('Run the conformance suite on a token manager and write reports')
    .option('--seed <n>', 'seed for the generated timelines (default: fresh, printed in the report)')
    .option('--runs <n>', 'generated timelines per provider', String(DEFAULT_RUNS))
    .addOption(
      new Option('--provider <ids>', 'only these providers (comma-separated or repeated)').argParser(collect),
    )
    .addOption(
      new Option('--rule <ids>', 'only these rules (comma-separated or repeated)').argParser(collect),
    )
    .option('--report-dir <dir>', 'where report.json and summary.md go', DEFAULT_REPORT_DIR)
    .action(
      async (opts: {
        seed?: string
        runs: string
        provider?: string[]
        rule?: string[]
        reportDir: string
      }) => {
        const providers = parseProviders(opts.provider)
        const rules = parseRules(opts.rule)
        const result = await runCommand(
          {
            ...(opts.seed !== undefined
              ? { seed: parseIntegerOption('--seed', opts.seed, -(2 ** 31), 2 ** 31 - 1) }
              : {}),
            runs: parseIntegerOption('--runs', opts.runs, 1, 1_000_000),
            ...(providers ? { providers } : {}),
            ...(rules ? { rules } : {}),
            reportDir: opts.reportDir,
          },
          io,
        )
        exitCode = result.exitCode
      },
    )

  try {
    await program.parseAsync([...argv], { from: 'user' })
    return exitCode
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0; real parse errors were already printed.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE
    }
    if (error instanceof UsageError || error instanceof LabError) {
      io.err(`reconnect-lab: ${error.message}\n`)
      return EXIT_USAGE
    }
    throw error
  }
}
