import { availableParallelism } from 'node:os'
import { Command, CommanderError, Option } from 'commander'
import { exitCodeForError, LabError } from '../errors.ts'
import { TOOL_VERSION } from '../suite/conformance.ts'
import { DEFAULT_CALL_TIMEOUT_MS } from '../manager/load.ts'
import { listCommand } from './commands/list.ts'
import { mergeCommand } from './commands/merge.ts'
import { replayCommand } from './commands/replay.ts'
import { scenarioCommand } from './commands/scenario.ts'
import { loadServeConfig, serveCommand } from './commands/serve.ts'
import { parseOptionFlag } from './commands/serve-config.ts'
import { DEFAULT_REPORT_DIR, DEFAULT_RUNS, REPORTERS, type ReporterName, runCommand } from './commands/run.ts'
import { DEFAULT_SELFCHECK_SEED, selfcheckCommand } from './commands/selfcheck.ts'
import { type CliIo, EXIT_OK, EXIT_USAGE } from './io.ts'
import { addManagerCmdOption } from './manager-option.ts'
import { parseIntegerOption, parseProviders, parseRules } from './options.ts'

/** `--quick`: enough to catch a broken build before a commit, in a few seconds. */
export const QUICK_RUNS = 10
export const QUICK_INTERLEAVINGS = 50
/**
 * `--quick` plays in this thread unless `--workers` says otherwise: a worker thread takes about 1 s and
 * 100 MB to start (its own modules under tsx), more than it saves on a run this short (bench (b), and
 * docs/PERFORMANCE.md "Pre-commit").
 */
export const QUICK_WORKERS = 1

function parseShard(raw: string): { index: number; count: number } {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw)
  const index = Number(match?.[1])
  const count = Number(match?.[2])
  if (!match || count < 1 || index < 1 || index > count)
    throw new LabError('USAGE', `--shard must be k/n with 1 <= k <= n (e.g. 2/4), got "${raw}"`)
  return { index, count }
}

const collect = (value: string, previous: string[] = []) => [...previous, value]

function parseReporters(values: readonly string[] | undefined): ReporterName[] | undefined {
  if (!values || values.length === 0) return undefined
  const names = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean)
  for (const name of names) {
    if (!(REPORTERS as readonly string[]).includes(name))
      throw new LabError('USAGE', `--reporter: unknown reporter "${name}" (known: ${REPORTERS.join(', ')})`)
  }
  return [...new Set(names)] as ReporterName[]
}

function parseCallTimeout(raw: string | undefined): { callTimeoutMs?: number } {
  return raw === undefined ? {} : { callTimeoutMs: parseIntegerOption('--call-timeout', raw, 1, 600_000) }
}

function parseSeed(raw: string | undefined): { seed?: number } {
  return raw === undefined ? {} : { seed: parseIntegerOption('--seed', raw, -(2 ** 31), 2 ** 31 - 1) }
}

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

  const run = program
    .command('run')
    .description('Run the conformance suite on a token manager and write reports')
    .option(
      '--manager <path>',
      'a .ts or .js module exporting createManager (default: the reference manager)',
    )
    .option('--seed <n>', 'seed for the generated timelines (default: fresh, printed in the report)')
    .option('--runs <n>', 'generated timelines per provider', String(DEFAULT_RUNS))
    .addOption(
      new Option('--provider <ids>', 'only these providers (comma-separated or repeated)').argParser(collect),
    )
    .addOption(
      new Option('--rule <ids>', 'only these rules (comma-separated or repeated)').argParser(collect),
    )
    .addOption(
      new Option(
        '--reporter <names>',
        `${REPORTERS.join(', ')}; comma-separated or repeated (default: pretty,json,markdown,html). pretty prints the table; json, junit, markdown and html write report.json, junit.xml, summary.md and timeline.html under --report-dir`,
      ).argParser(collect),
    )
    .option(
      '--report-dir <dir>',
      'where report files and counterexamples/<rule>-<provider>.yaml go',
      DEFAULT_REPORT_DIR,
    )
    .option(
      '--baseline <file>',
      'known failing rule/provider pairs: fail only on new failures and stale entries',
    )
    .option('--write-baseline <file>', "write this run's failures as a baseline file")
    .option(
      '--call-timeout <ms>',
      `real-time limit for one call into --manager before it counts as never settling (default ${DEFAULT_CALL_TIMEOUT_MS})`,
    )
    .option(
      '--workers <n>',
      `workers: this thread plus n-1 worker threads (default: the number of cores, ${availableParallelism()}; ${QUICK_WORKERS} with --quick)`,
    )
    .option(
      '--shard <k/n>',
      'run slice k of n only (CI matrix); combine the reports with `reconnect-lab merge`',
    )
    .option(
      '--quick',
      `a short run for pre-commit hooks (--runs ${QUICK_RUNS}, ${QUICK_INTERLEAVINGS} interleavings)`,
    )
    .action(
      async (opts: {
        workers?: string
        shard?: string
        quick?: boolean
        manager?: string
        managerCmd?: string
        seed?: string
        runs: string
        provider?: string[]
        rule?: string[]
        reporter?: string[]
        reportDir: string
        baseline?: string
        writeBaseline?: string
        callTimeout?: string
      }) => {
        const providers = parseProviders(opts.provider)
        const rules = parseRules(opts.rule)
        const reporters = parseReporters(opts.reporter)
        const quick = opts.quick === true
        const result = await runCommand(
          {
            ...parseSeed(opts.seed),
            runs: quick ? QUICK_RUNS : parseIntegerOption('--runs', opts.runs, 1, 1_000_000),
            ...(quick ? { interleavings: QUICK_INTERLEAVINGS } : {}),
            workers:
              opts.workers === undefined
                ? quick
                  ? QUICK_WORKERS
                  : availableParallelism()
                : parseIntegerOption('--workers', opts.workers, 1, 256),
            ...(opts.shard !== undefined ? { shard: parseShard(opts.shard) } : {}),
            ...(providers ? { providers } : {}),
            ...(rules ? { rules } : {}),
            ...(reporters ? { reporters } : {}),
            reportDir: opts.reportDir,
            ...(opts.manager !== undefined ? { managerPath: opts.manager } : {}),
            ...(opts.managerCmd !== undefined ? { managerCmd: opts.managerCmd } : {}),
            ...(opts.baseline !== undefined ? { baseline: opts.baseline } : {}),
            ...(opts.writeBaseline !== undefined ? { writeBaseline: opts.writeBaseline } : {}),
            ...parseCallTimeout(opts.callTimeout),
          },
          io,
        )
        exitCode = result.exitCode
      },
    )

  const scenario = program
    .command('scenario')
    .description(
      "Play scenario files to the end: each teammate's story, a summary, the triage verdict, and the file's expect:",
    )
    .argument('<file...>', 'scenario YAML files, e.g. scenarios/library/*.yaml')
    .option(
      '--manager <path>',
      'a .ts or .js module exporting createManager (default: the reference manager)',
    )
    .option(
      '--call-timeout <ms>',
      `real-time limit for one call into --manager (default ${DEFAULT_CALL_TIMEOUT_MS})`,
    )
    .option(
      '--timeline-dir <dir>',
      "where to write each file's timeline picture, <dir>/<file>.html (default reports/latest/timelines)",
    )
    .action(
      async (
        files: string[],
        opts: { manager?: string; managerCmd?: string; callTimeout?: string; timelineDir?: string },
      ) => {
        exitCode = await scenarioCommand(
          {
            files,
            ...(opts.manager !== undefined ? { managerPath: opts.manager } : {}),
            ...(opts.managerCmd !== undefined ? { managerCmd: opts.managerCmd } : {}),
            ...(opts.timelineDir !== undefined ? { timelineDir: opts.timelineDir } : {}),
            ...parseCallTimeout(opts.callTimeout),
          },
          io,
        )
      },
    )

  addManagerCmdOption(run)
  addManagerCmdOption(scenario)

  program
    .command('merge')
    .description('Combine the shard reports of one run (run --shard k/n) into the report a single run gives')
    .argument('<reports...>', "the shards' report.json files, e.g. shard-*/report.json")
    .option(
      '--report-dir <dir>',
      'where the merged report.json, junit.xml and summary.md go',
      DEFAULT_REPORT_DIR,
    )
    .action(async (files: string[], opts: { reportDir: string }) => {
      exitCode = (await mergeCommand({ files, reportDir: opts.reportDir }, io)).exitCode
    })

  const replay = program
    .command('replay')
    .description('Replay a scenario file (e.g. a counterexample) step by step and judge it')
    .argument(
      '<file>',
      'a scenario YAML file, e.g. reports/latest/counterexamples/silent-refresh-baseline.yaml',
    )
    .option(
      '--manager <path>',
      'a .ts or .js module exporting createManager (default: the reference manager)',
    )
    .option(
      '--call-timeout <ms>',
      `real-time limit for one call into --manager (default ${DEFAULT_CALL_TIMEOUT_MS})`,
    )
    .option(
      '--timeline <file>',
      'where to write the timeline picture (default reports/latest/timelines/<file>.html)',
    )
    .action(
      async (
        file: string,
        opts: { manager?: string; managerCmd?: string; callTimeout?: string; timeline?: string },
      ) => {
        exitCode = await replayCommand(
          {
            file,
            ...(opts.manager !== undefined ? { managerPath: opts.manager } : {}),
            ...(opts.timeline !== undefined ? { timelinePath: opts.timeline } : {}),
            ...(opts.managerCmd !== undefined ? { managerCmd: opts.managerCmd } : {}),
            ...parseCallTimeout(opts.callTimeout),
          },
          io,
        )
      },
    )

  addManagerCmdOption(replay)

  const selfcheck = program
    .command('selfcheck')
    .description(
      'Run the suite on every shipped known-bug manager (scenarios/mutants/) and print the mutation score',
    )
    .option('--seed <n>', 'seed for the generated timelines', String(DEFAULT_SELFCHECK_SEED))
    .option('--runs <n>', 'generated timelines per provider and mutant', String(DEFAULT_RUNS))
    .addOption(
      new Option('--mutant <ids>', 'only these mutants (comma-separated or repeated)').argParser(collect),
    )
    .addOption(
      new Option(
        '--provider <ids>',
        'with --manager-cmd: where a mutant that is not in the catalogue is checked (default: every provider)',
      ).argParser(collect),
    )
    .option(
      '--call-timeout <ms>',
      'a manager call that has not settled after this much real time fails (with --manager-cmd)',
    )
    .option(
      '--report-dir <dir>',
      'where selfcheck/selfcheck.json and the counterexamples go',
      DEFAULT_REPORT_DIR,
    )
    .action(
      async (opts: {
        seed: string
        runs: string
        mutant?: string[]
        provider?: string[]
        managerCmd?: string
        callTimeout?: string
        reportDir: string
      }) => {
        const mutants = opts.mutant
          ?.flatMap((m) => m.split(','))
          .map((m) => m.trim())
          .filter(Boolean)
        const providers = parseProviders(opts.provider)
        const result = await selfcheckCommand(
          {
            ...parseSeed(opts.seed),
            runs: parseIntegerOption('--runs', opts.runs, 1, 1_000_000),
            ...(mutants && mutants.length > 0 ? { mutants } : {}),
            ...(providers ? { providers } : {}),
            ...(opts.managerCmd !== undefined ? { managerCmd: opts.managerCmd } : {}),
            ...parseCallTimeout(opts.callTimeout),
            reportDir: opts.reportDir,
          },
          io,
        )
        exitCode = result.exitCode
      },
    )
  addManagerCmdOption(selfcheck)

  program
    .command('list')
    .description('Print the providers with their quirks, and the rules with where each applies')
    .action(() => {
      exitCode = listCommand(io)
    })

  program
    .command('serve')
    .description(
      'Serve the mock providers over loopback HTTP (control surface under /_lab on each; docs/SERVE.md)',
    )
    .addOption(
      new Option('--provider <ids>', 'only these providers (comma-separated or repeated)').argParser(collect),
    )
    .addOption(new Option('--providers <ids>', 'same as --provider').argParser(collect))
    .option('--config <file>', 'YAML or JSON: per provider options, policy, clients, users, approvals')
    .addOption(
      new Option('--option <provider.key=value>', 'a provider option over the config (repeatable)').argParser(
        collect,
      ),
    )
    .option('--port <n>', 'first port; each provider takes the next (0: any free port; default 0)')
    .option('--single-port', 'every provider under http://<host>:<port>/<provider> on one port')
    .option('--host <host>', 'loopback address to bind: 127.0.0.1 (default), localhost or ::1')
    .option('--no-control', 'serve no /_lab control surface')
    .option('--request-log-size <n>', 'requests each mock keeps in its log (a ring; default 10000)')
    .option('--ledger-size <n>', 'ledger events each mock keeps (a ring; default 10000)')
    .option(
      '--token-retention <n>',
      'superseded tokens of each kind a token family remembers past the reuse leeway (default 100)',
    )
    .action(
      async (opts: {
        provider?: string[]
        providers?: string[]
        config?: string
        option?: string[]
        port?: string
        singlePort?: boolean
        host?: string
        control: boolean
        requestLogSize?: string
        ledgerSize?: string
        tokenRetention?: string
      }) => {
        const providers = parseProviders([...(opts.provider ?? []), ...(opts.providers ?? [])])
        const config = opts.config === undefined ? undefined : loadServeConfig(opts.config, io.cwd)
        const optionFlags = (opts.option ?? []).map((raw) => {
          try {
            return parseOptionFlag(raw)
          } catch (error) {
            throw new LabError('USAGE', (error as Error).message)
          }
        })
        exitCode = await serveCommand(
          {
            ...(providers ? { providers } : {}),
            port:
              opts.port === undefined
                ? (config?.config.port ?? 0)
                : parseIntegerOption('--port', opts.port, 0, 65535),
            host: opts.host ?? config?.config.host ?? '127.0.0.1',
            ...(opts.singlePort ? { singlePort: true } : {}),
            ...(opts.control ? {} : { control: false }),
            ...(opts.requestLogSize === undefined
              ? {}
              : {
                  requestLogSize: parseIntegerOption('--request-log-size', opts.requestLogSize, 1, 1_000_000),
                }),
            ...(opts.ledgerSize === undefined
              ? {}
              : { ledgerSize: parseIntegerOption('--ledger-size', opts.ledgerSize, 1, 1_000_000) }),
            ...(opts.tokenRetention === undefined
              ? {}
              : {
                  tokenRetention: parseIntegerOption('--token-retention', opts.tokenRetention, 0, 1_000_000),
                }),
            ...(config ? { config } : {}),
            optionFlags,
          },
          io,
          io.untilInterrupted?.() ?? Promise.resolve(),
        )
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
    // A user's mistake is one line and exit 2; anything else is reconnect-lab's bug (main.ts: exit 3).
    if (error instanceof LabError && exitCodeForError(error) === EXIT_USAGE) {
      io.err(`reconnect-lab: ${error.message}\n`)
      return EXIT_USAGE
    }
    throw error
  }
}
