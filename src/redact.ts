/**
 * Secrets (tokens, codes, client secrets, PKCE verifiers) must never reach a report, a log line or an
 * error message. Mocks mint every secret through an IdSource in a recognisable shape, and real
 * provider formats are matched too, so the last line of defence works even on a user's manager output.
 */
import { secretVariants } from '../mocks/secret-set.ts'

/**
 * The IdSource prefixes that mint secrets (access/refresh tokens, codes, client secrets, PKCE
 * verifiers, session ids). Mocks must mint every secret with one of these; non-secret ids use others.
 */
export const SECRET_ID_PREFIXES = ['at_', 'rt_', 'code_', 'secret_', 'verifier_', 'sid_'] as const

const PATTERNS: RegExp[] = [
  // Secrets minted through an IdSource with a secret prefix: at_12, rt_3, code_9 (sequential) or
  // at_r.<random> (crypto). Digits or `r.` only, so words such as code_reused survive, and ids that
  // are not secrets (client_1, fam_2, grant_3) stay readable. The random shape is distinctive enough
  // to be found glued to other characters (`Bearerat_r.…`); the sequential one needs a word boundary.
  new RegExp(`\\b(?:${SECRET_ID_PREFIXES.map((p) => p.slice(0, -1)).join('|')})_\\d+\\b`, 'g'),
  new RegExp(`(?:${SECRET_ID_PREFIXES.map((p) => p.slice(0, -1)).join('|')})_r\\.[A-Za-z0-9_-]{16,}`, 'g'),
  // Provider-shaped tokens that a user's manager might echo: Slack xox*, Google ya29./1//, Salesforce
  // 00D…!…; distinctive prefixes, so found glued to other characters too.
  /xox[abepr](?:\.xox[bp])?-[A-Za-z0-9-]+/g,
  /xoxe-\d-[A-Za-z0-9-]+/g,
  /ya29\.[A-Za-z0-9._-]+/g,
  /\b1\/\/0[A-Za-z0-9_-]+/g,
  /\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]+/g,
  // JWTs (three base64url segments starting with eyJ), glued or not.
  /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g,
  // Authorization headers and obvious key=value secrets.
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g,
  /\b(client_secret|refresh_token|access_token|code_verifier|password)=([^&\s"]+)/g,
]

/**
 * `text` with every secret replaced by `[redacted]`: the known `extraSecrets` by value, wherever they
 * appear (glued to other characters, percent- or form-encoded, JSON-escaped), longest first, then
 * every secret shape above.
 */
export function redactSecrets(text: string, extraSecrets: Iterable<string> = []): string {
  let out = text
  const known = new Set<string>()
  for (const secret of extraSecrets)
    if (secret.length >= 4) for (const variant of secretVariants(secret)) known.add(variant)
  for (const secret of [...known].sort((a, b) => b.length - a.length))
    out = out.split(secret).join('[redacted]')
  for (const pattern of PATTERNS) {
    out = out.replace(pattern, (match, g1: string | undefined) => {
      if (g1 === 'Bearer' || g1 === 'Basic') return `${g1} [redacted]`
      if (typeof g1 === 'string' && match.includes('=')) return `${g1}=[redacted]`
      return '[redacted]'
    })
  }
  return out
}
