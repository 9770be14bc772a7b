/**
 * `/_lab/*`: the control surface over HTTP for `reconnect-lab serve`, one route per MockControl
 * operation, JSON in and out. Bad input answers 400 `{error:'invalid_request'}`, an unknown client 404.
 */
import type { Context, Hono } from 'hono'
import { ControlError, parseConsentDecision } from './control.ts'
import { FaultInputError, parseScheduledFault } from './faults.ts'
import { PolicyError } from './policy.ts'
import type { CreateClientInput, MockControl, MockEndpoint, TokenPolicy } from './types.ts'

type Json = Record<string, unknown>

class LabBodyError extends Error {}

async function jsonBody(c: Context): Promise<Json> {
  const text = await c.req.text()
  if (text.trim() === '') return {}
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new LabBodyError('the body is not valid JSON')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new LabBodyError('the body must be a JSON object')
  return body as Json
}

function str(body: Json, key: string): string {
  const value = body[key]
  if (typeof value !== 'string' || value === '') throw new LabBodyError(`${key} must be a non-empty string`)
  return value
}

function optionalStr(body: Json, key: string): string | undefined {
  const value = body[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw new LabBodyError(`${key} must be a string`)
  return value
}

function labError(c: Context, error: unknown): Response {
  if (error instanceof ControlError) {
    return c.json(
      {
        error: error.status === 404 ? 'not_found' : error.status === 409 ? 'conflict' : 'invalid_request',
        error_description: error.message,
      },
      error.status,
    )
  }
  if (error instanceof LabBodyError || error instanceof FaultInputError || error instanceof PolicyError) {
    return c.json({ error: 'invalid_request', error_description: error.message }, 400)
  }
  throw error
}

/** Wraps a route so validation failures answer 400/404/409 and anything else reaches onError. */
function route(handler: (c: Context) => Promise<Response> | Response) {
  return async (c: Context): Promise<Response> => {
    try {
      return await handler(c)
    } catch (error) {
      return labError(c, error)
    }
  }
}

export function mountLabRoutes(app: Hono, base: string, control: MockControl): void {
  const at = (path: string): string => `${base}${path}`

  app.post(
    at('/clients'),
    route(async (c) => {
      const body = await jsonBody(c)
      const redirectUris = body['redirectUris']
      if (!Array.isArray(redirectUris)) throw new LabBodyError('redirectUris must be an array of URLs')
      const clientId = optionalStr(body, 'clientId')
      const clientSecret = optionalStr(body, 'clientSecret')
      const pkce = body['pkce']
      if (pkce !== undefined && pkce !== 'required' && pkce !== 'optional')
        throw new LabBodyError("pkce must be 'required' or 'optional'")
      for (const key of Object.keys(body))
        if (!['redirectUris', 'clientId', 'clientSecret', 'policy', 'pkce'].includes(key))
          throw new LabBodyError(
            `${key}: unknown field (known: redirectUris, clientId, clientSecret, policy, pkce)`,
          )
      const input: CreateClientInput = {
        ...(pkce === undefined ? {} : { pkce }),
        redirectUris: redirectUris as string[],
        ...(clientId === undefined ? {} : { clientId }),
        ...(clientSecret === undefined ? {} : { clientSecret }),
        ...(body['policy'] === undefined ? {} : { policy: body['policy'] as Partial<TokenPolicy> }),
      }
      return c.json(control.createClient(input), 201)
    }),
  )

  app.post(
    at('/users'),
    route(async (c) => c.json(control.createUser({ login: str(await jsonBody(c), 'login') }), 201)),
  )

  app.post(
    at('/clients/:clientId/rotate-secret'),
    route((c) => c.json({ clientSecret: control.rotateClientSecret(c.req.param('clientId') ?? '') })),
  )

  app.post(
    at('/grants/revoke'),
    route(async (c) => {
      const body = await jsonBody(c)
      const by = body['by']
      if (by !== 'user' && by !== 'admin') throw new LabBodyError("by must be 'user' or 'admin'")
      control.revokeGrant(str(body, 'login'), str(body, 'clientId'), by)
      return c.json({ ok: true })
    }),
  )

  app.post(
    at('/policy'),
    route(async (c) => {
      const body = await jsonBody(c)
      const clientId = optionalStr(body, 'clientId')
      control.setPolicy((body['policy'] ?? {}) as Partial<TokenPolicy>, clientId)
      return c.json({ ok: true })
    }),
  )

  app.post(
    at('/consent-answers'),
    route(async (c) => {
      const body = await jsonBody(c)
      control.setConsentAnswer(str(body, 'login'), parseConsentDecision(body['decision']))
      return c.json({ ok: true })
    }),
  )

  app.post(
    at('/approvals'),
    route(async (c) => {
      control.approve(str(await jsonBody(c), 'key'))
      return c.json({ ok: true })
    }),
  )

  app.post(
    at('/approvals/remove'),
    route(async (c) => {
      control.unapprove(str(await jsonBody(c), 'key'))
      return c.json({ ok: true })
    }),
  )

  app.post(
    at('/faults'),
    route(async (c) => {
      control.injectFault(parseScheduledFault(await jsonBody(c)))
      return c.json({ ok: true }, 201)
    }),
  )

  app.post(
    at('/faults/script'),
    route(async (c) => {
      const body = await jsonBody(c)
      const responses = body['responses']
      if (!Array.isArray(responses)) throw new LabBodyError('responses must be an array')
      control.scriptResponses(str(body, 'endpoint') as MockEndpoint, responses)
      return c.json({ ok: true }, 201)
    }),
  )

  app.delete(
    at('/faults'),
    route((c) => {
      control.clearFaults()
      return c.json({ ok: true })
    }),
  )

  app.post(
    at('/clock/advance'),
    route(async (c) => {
      const ms = (await jsonBody(c))['ms']
      if (typeof ms !== 'number') throw new LabBodyError('ms must be a number')
      control.advanceClock(ms)
      return c.json({ ok: true })
    }),
  )

  app.get(
    at('/requests'),
    route((c) => c.json(control.requests())),
  )
  app.get(
    at('/ledger'),
    route((c) => c.json(control.ledger())),
  )
  app.get(
    at('/truth'),
    route((c) => {
      const login = c.req.query('login')
      const clientId = c.req.query('client_id')
      if (!login || !clientId) throw new LabBodyError('login and client_id query parameters are required')
      return c.json(control.grantTruth(login, clientId))
    }),
  )
  app.post(
    at('/access-tokens/live'),
    route(async (c) => c.json({ live: control.accessTokenIsLive(str(await jsonBody(c), 'token')) })),
  )
  app.post(
    at('/reset'),
    route((c) => {
      control.reset()
      return c.json({ ok: true })
    }),
  )
}
