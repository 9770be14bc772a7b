/**
 * Unguessable values (OAuth state, PKCE verifiers, instance ids) from the CSPRNG, drawn in one 4 KiB
 * block at a time: a `randomBytes(32)` per value is a system call, and showed as 2% of a default run
 * (a manager and a Connect per timeline). The bytes are still the CSPRNG's, each used once.
 */
import { randomBytes } from 'node:crypto'

const BLOCK_BYTES = 4096
let block = Buffer.alloc(0)
let at = 0

/** `bytes` fresh random bytes, base64url-encoded. */
export function randomValue(bytes: number): string {
  if (at + bytes > block.length) {
    block = randomBytes(Math.max(BLOCK_BYTES, bytes))
    at = 0
  }
  const value = block.toString('base64url', at, at + bytes)
  // Overwritten as used: a value handed out is not left readable in the block.
  block.fill(0, at, at + bytes)
  at += bytes
  return value
}
