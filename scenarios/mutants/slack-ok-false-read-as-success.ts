import { defineMutant, rewritingTokenResponses } from './mutant.ts'

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined
}

export const mutant = defineMutant({
  id: 'slack-ok-false-read-as-success',
  title: 'Slack HTTP 200 errors are read as success',
  change:
    'A token response with HTTP 200 is a success whatever its body says, so Slack\'s {"ok":false,"error":"invalid_refresh_token"} is stored as a new (undefined) access token.',
  models:
    'connectors.md root cause 7 (Slack errors arrive as HTTP 200 ok:false; status-only checks store garbage: TundraSoft/tundra-connect wiki "Slack Errors")',
  targets: ['slack'],
  caughtBy: ['revocation-prompts', 'expiry-prompts-once'],
  createManager: rewritingTokenResponses(({ parsed, status, body }) => {
    if (parsed.kind === 'success' || status < 200 || status >= 300) return parsed
    const refreshToken = field(body, 'refresh_token')
    return {
      kind: 'success',
      token: {
        accessToken: String(field(body, 'access_token')),
        ...(typeof refreshToken === 'string' ? { refreshToken } : {}),
      },
    }
  }),
})

export const createManager = mutant.createManager
