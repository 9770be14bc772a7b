import { type Http2Bindings, type HttpBindings, serve } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import { DROP_HEADER } from '../../../mocks/faults.ts'
import { systemClock } from '../../clock.ts'
import { createCryptoIds } from '../../ids.ts'
import type { ProviderId } from '../../manager/contract.ts'
import { mockFactoryFor, providersWithMocks } from '../../world/mock-registry.ts'
import type { CliIo } from '../io.ts'
import { LabError } from '../../errors.ts'

export interface ServeOptions {
  providers?: ProviderId[]
  /** First port; each provider takes the next one. 0 picks free ports. */
  port: number
  host: string
}

export interface RunningServers {
  urls: Record<string, string>
  close(): Promise<void>
}

/**
 * `reconnect-lab serve`: the same mock apps over loopback HTTP, for clients that cannot take an
 * injected fetch. Real time and unguessable ids; `/_lab/*` on each server is the control surface.
 * A `connection_reset` or `commit_then_drop` fault destroys the socket, as a dropped connection would.
 */
export async function startServers(options: ServeOptions): Promise<RunningServers> {
  if (options.host !== '127.0.0.1' && options.host !== 'localhost' && options.host !== '::1')
    throw new LabError(
      'USAGE',
      `--host must be a loopback address (127.0.0.1, localhost or ::1), got "${options.host}"`,
    )
  const providers = options.providers ?? providersWithMocks()
  const servers: Array<{ close(callback?: (err?: Error) => void): unknown }> = []
  const urls: Record<string, string> = {}
  let port = options.port
  for (const provider of providers) {
    const ids = createCryptoIds()
    const requested = port === 0 ? 0 : port++
    // The issuer must be known before the mock is built; pick the port first when it is 0.
    const listening = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
      let mock: ReturnType<ReturnType<typeof mockFactoryFor>> | undefined
      const server = serve(
        {
          fetch: async (request, env: HttpBindings | Http2Bindings) => {
            if (!mock) return new Response('starting', { status: 503 })
            const url = new URL(request.url)
            const response = await mock.app.fetch(
              new Request(`${mock.issuer}${url.pathname}${url.search}`, request),
            )
            if (response.headers.has(DROP_HEADER)) env.outgoing.socket?.destroy()
            return response
          },
          port: requested,
          hostname: options.host,
        },
        (info: AddressInfo) => {
          mock = mockFactoryFor(provider)({
            clock: systemClock,
            ids,
            issuer: `http://${options.host}:${info.port}`,
          })
          resolve({ server, port: info.port })
        },
      )
    })
    servers.push(listening.server)
    urls[provider] = `http://${options.host}:${listening.port}`
  }
  return {
    urls,
    close: () =>
      Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(
        () => undefined,
      ),
  }
}

export async function serveCommand(
  options: ServeOptions,
  io: CliIo,
  untilStopped: Promise<void>,
): Promise<number> {
  const running = await startServers(options)
  for (const [provider, url] of Object.entries(running.urls))
    io.out(`${provider.padEnd(11)} ${url}  (control: ${url}/_lab)\n`)
  io.err('serving on loopback; press Ctrl-C to stop\n')
  await untilStopped
  await running.close()
  return 0
}
