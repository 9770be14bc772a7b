/**
 * The one client every refresh benchmark uses, in its own process: a `node:http` keep-alive agent
 * (the faster loopback client, ../shared/toolchain.md §2) sending refresh-grant form posts with HTTP
 * Basic client authentication, `inflight` at a time, each in-flight loop on its own chain of refresh
 * tokens (presenting the one the last answer carried when the server rotates). IPC:
 *   { type: 'run', ...RunRequest } -> { type: 'done', elapsedMs, count, errors, refreshTokens }
 */
import { Agent, request } from 'node:http'
import { startStopwatch } from '../../src/clock.ts'

export interface RunRequest {
  tokenUrl: string
  clientId: string
  clientSecret: string
  refreshTokens: string[]
  rotates: boolean
  inflight: number
  count: number
}

export interface RunResult {
  type: 'done'
  elapsedMs: number
  count: number
  errors: number
  /** Each chain's current refresh token after the run, for the next run to continue with. */
  refreshTokens: string[]
  firstError?: string
}

function post(
  agent: Agent,
  url: URL,
  authorization: string,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          authorization,
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          accept: 'application/json',
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

async function run(input: RunRequest): Promise<RunResult> {
  const url = new URL(input.tokenUrl)
  const agent = new Agent({ keepAlive: true, maxSockets: input.inflight })
  const authorization = `Basic ${Buffer.from(
    `${encodeURIComponent(input.clientId)}:${encodeURIComponent(input.clientSecret)}`,
  ).toString('base64')}`
  const tokens = [...input.refreshTokens]
  let remaining = input.count
  let errors = 0
  let firstError: string | undefined
  const loop = async (chain: number): Promise<void> => {
    while (remaining > 0) {
      remaining--
      const presented = tokens[chain] ?? ''
      const body = `grant_type=refresh_token&refresh_token=${encodeURIComponent(presented)}`
      const answer = await post(agent, url, authorization, body)
      if (answer.status !== 200) {
        errors++
        firstError ??= `${answer.status} ${answer.text.slice(0, 200)}`
        continue
      }
      if (input.rotates) {
        const next = (JSON.parse(answer.text) as { refresh_token?: string }).refresh_token
        if (next) tokens[chain] = next
      }
    }
  }
  const elapsed = startStopwatch()
  await Promise.all(Array.from({ length: input.inflight }, (_, i) => loop(i % tokens.length)))
  const elapsedMs = elapsed()
  agent.destroy()
  return {
    type: 'done',
    elapsedMs,
    count: input.count,
    errors,
    refreshTokens: tokens,
    ...(firstError === undefined ? {} : { firstError }),
  }
}

process.on('message', (message: { type: 'run' } & RunRequest) => {
  if (message.type !== 'run') return
  run(message).then(
    (result) => process.send?.(result),
    (error: unknown) => {
      process.stderr.write(`refresh-client: ${String(error)}\n`)
      process.exit(1)
    },
  )
})
process.on('disconnect', () => process.exit(0))
