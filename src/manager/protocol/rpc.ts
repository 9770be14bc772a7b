/**
 * JSON-RPC 2.0 over newline-delimited JSON (one message per line), both directions: the harness
 * calls the manager process, and the manager process calls back (API call, clock, store) while a
 * call is in flight. Newline-delimited rather than Content-Length framed (see docs/PROTOCOL.md):
 * every language reads a line and parses it, a stray print() is caught at the line it wrote, and
 * JSON.stringify/json.dumps never put a raw newline inside a message.
 *
 * Anything on stdout that is not one JSON-RPC message per line is a protocol violation: the peer
 * stops and every pending and later call fails with a message saying what was written.
 */
import type { Readable, Writable } from 'node:stream'

export const PROTOCOL_VERSION = 1

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

export interface RpcRequest {
  jsonrpc: '2.0'
  id: number
  method: string
  params?: Json
}
export interface RpcResponse {
  jsonrpc: '2.0'
  id: number
  result?: Json
  error?: { code: number; message: string; data?: Json }
}

/** JSON-RPC error codes the harness sends back when a callback cannot be served. */
export const RPC_ERRORS = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  /** The instance the callback names was disposed or its process crashed: nothing was done. */
  instanceGone: -32001,
  /** The harness-side operation failed (a store outage, a network failure of the agent's API call). */
  failed: -32002,
} as const

/** A callback failed on purpose (store outage, network error): sent to the manager as a JSON-RPC error. */
export class RpcCallbackError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message)
  }
}

export type RequestHandler = (method: string, params: unknown) => Promise<Json>

/** Every message observed, for tests that validate real traffic against the schemas. */
export type TrafficTap = (direction: 'to-manager' | 'from-manager', message: unknown) => void

interface Pending {
  method: string
  resolve: (value: unknown) => void
  reject: (error: Error) => void
}

export class RpcPeer {
  private nextId = 0
  private readonly pending = new Map<number, Pending>()
  private buffer = ''
  /** Set once the connection is unusable; every later call fails with it. */
  private broken: Error | undefined

  constructor(
    input: Readable,
    private readonly output: Writable,
    private readonly handle: RequestHandler,
    private readonly onViolation: (problem: string) => void,
    private readonly tap?: TrafficTap,
  ) {
    input.setEncoding('utf8')
    input.on('data', (chunk: string) => this.receive(chunk))
  }

  get failure(): Error | undefined {
    return this.broken
  }

  /** Calls `method` in the manager process. */
  request(method: string, params: Json): Promise<unknown> {
    if (this.broken) return Promise.reject(this.broken)
    const id = ++this.nextId
    const message: RpcRequest = { jsonrpc: '2.0', id, method, params }
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve, reject })
      this.send(message)
    })
  }

  notify(method: string, params: Json): void {
    if (!this.broken) this.send({ jsonrpc: '2.0', method, params })
  }

  /** The connection is over (the process died, or broke the protocol): fail everything pending and later. */
  fail(error: Error): void {
    if (!this.broken) this.broken = error
    for (const [id, p] of this.pending) {
      this.pending.delete(id)
      p.reject(error)
    }
  }

  /** The method of each call still waiting for an answer (for messages naming the call). */
  pendingMethods(): string[] {
    return [...this.pending.values()].map((p) => p.method)
  }

  private send(message: object): void {
    this.tap?.('to-manager', message)
    try {
      this.output.write(`${JSON.stringify(message)}\n`)
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)))
    }
  }

  private receive(chunk: string): void {
    if (this.broken) return
    this.buffer += chunk
    for (;;) {
      const end = this.buffer.indexOf('\n')
      if (end < 0) break
      const line = this.buffer.slice(0, end).trim()
      this.buffer = this.buffer.slice(end + 1)
      if (line !== '') this.line(line)
      if (this.broken) return
    }
    if (this.buffer.length > 16 * 1024 * 1024) this.violation('a line of more than 16 MB without a newline')
  }

  private violation(problem: string): void {
    this.onViolation(problem)
  }

  private line(line: string): void {
    let message: unknown
    try {
      message = JSON.parse(line)
    } catch {
      this.violation(`wrote a line to stdout that is not JSON: ${JSON.stringify(line.slice(0, 120))}`)
      return
    }
    this.tap?.('from-manager', message)
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      this.violation(`wrote a JSON value that is not a JSON-RPC message: ${line.slice(0, 120)}`)
      return
    }
    const m = message as Record<string, unknown>
    if (m['jsonrpc'] !== '2.0') {
      this.violation(`wrote a message without "jsonrpc": "2.0": ${line.slice(0, 120)}`)
      return
    }
    if (typeof m['method'] === 'string') {
      if (typeof m['id'] !== 'number' && typeof m['id'] !== 'string') return // a notification: none defined, ignored
      void this.serve(m['id'], m['method'], m['params'])
      return
    }
    if (typeof m['id'] !== 'number') {
      this.violation(`wrote a response whose id is not one the harness sent: ${line.slice(0, 120)}`)
      return
    }
    const pending = this.pending.get(m['id'])
    if (!pending) {
      this.violation(`answered id ${m['id']}, which the harness never sent or was already answered`)
      return
    }
    this.pending.delete(m['id'])
    const error = m['error'] as { code?: unknown; message?: unknown } | undefined
    if (error !== undefined) {
      const text = typeof error?.message === 'string' ? error.message : JSON.stringify(error)
      pending.reject(new Error(`answered ${pending.method} with an error: ${text}`))
    } else if (!('result' in m)) {
      this.violation(`answered ${pending.method} (id ${m['id']}) with neither result nor error`)
    } else {
      pending.resolve(m['result'])
    }
  }

  private async serve(id: number | string, method: string, params: unknown): Promise<void> {
    try {
      const result = await this.handle(method, params)
      if (!this.broken) this.send({ jsonrpc: '2.0', id, result })
    } catch (error) {
      const code = error instanceof RpcCallbackError ? error.code : RPC_ERRORS.failed
      const message = error instanceof Error ? error.message : String(error)
      if (!this.broken) this.send({ jsonrpc: '2.0', id, error: { code, message } })
    }
  }
}
