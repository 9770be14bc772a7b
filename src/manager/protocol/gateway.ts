/**
 * The loopback HTTP front of the world's mocks for an out-of-process manager. Each instance's pack
 * descriptors point here: `http://127.0.0.1:<port>/i/<instance>/<mock host>/<path>`. A request that
 * arrives is handed, with its original mock URL, to that instance's fetch (the world's process IO:
 * interleaving point, crash, fault, ledger), so real HTTP from the manager is scheduled exactly like
 * in-process IO. Requests of an instance that was dropped are cut (the socket is destroyed).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** The response header with the instance's virtual time (ms) when the harness answered. */
export const NOW_HEADER = 'x-lab-now'

export interface Gateway {
  /** The loopback base for `instance`: prefix a mock URL's host and path with it. */
  base(instance: string): string
  /** Routes `instance`'s requests to `fetch` until `drop(instance)`. */
  attach(instance: string, fetch: typeof globalThis.fetch): void
  drop(instance: string): void
  /** Requests of `instance` that have arrived and whose answer is not yet written (or cut). */
  open(instance: string): number
  close(): Promise<void>
}

interface Attached {
  fetch: typeof globalThis.fetch
  open: Set<ServerResponse>
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

export async function startGateway(): Promise<Gateway> {
  const instances = new Map<string, Attached>()
  const server: Server = createServer((req, res) => {
    void serve(req, res)
  })
  server.keepAliveTimeout = 60_000

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/i\/([^/]+)\/([^/]+)(\/.*)?$/.exec(req.url ?? '')
    const attached = match ? instances.get(decodeURIComponent(match[1] as string)) : undefined
    if (!match || !attached) {
      // Not a URL from a live instance's descriptors: a dead instance's request, or a guessed URL.
      res.destroy()
      return
    }
    res.on('finish', () => attached.open.delete(res))
    res.on('close', () => attached.open.delete(res))
    try {
      const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req)
      // Counted as at the gateway only once its body is here: while the body is still coming off the
      // socket the request is on the wire, and a settle answer counting it must not end a scheduling
      // decision (the world would stamp the request as sent after IO released meanwhile).
      if (res.destroyed) return
      attached.open.add(res)
      const headers = new Headers()
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined || ['host', 'connection', 'content-length', 'keep-alive'].includes(name))
          continue
        headers.set(name, Array.isArray(value) ? value.join(', ') : value)
      }
      const url = `http://${match[2]}${match[3] ?? '/'}`
      const response = await attached.fetch(url, {
        method: req.method ?? 'GET',
        headers,
        ...(body !== undefined && body.length > 0 ? { body: new Uint8Array(body) } : {}),
        redirect: 'manual',
      })
      const bytes = Buffer.from(await response.arrayBuffer())
      const out: Record<string, string> = {}
      response.headers.forEach((value, key) => {
        if (key !== 'content-length' && key !== 'transfer-encoding') out[key] = value
      })
      out['content-length'] = String(bytes.length)
      res.writeHead(response.status, out)
      res.end(bytes)
    } catch {
      // The world's network failed this request (connection reset, commit-then-drop): so does the socket.
      res.destroy()
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    base: (instance) => `http://127.0.0.1:${port}/i/${encodeURIComponent(instance)}`,
    attach: (instance, fetch) => void instances.set(instance, { fetch, open: new Set() }),
    drop(instance) {
      const attached = instances.get(instance)
      instances.delete(instance)
      for (const res of attached?.open ?? []) res.destroy()
    },
    open: (instance) => instances.get(instance)?.open.size ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
