/**
 * The official conformance suite's auth/* client scenarios at spec 2026-07-28's (stateless, SEP-2575)
 * wire, with mcp-bridge in reverse mode as the OAuth client under test (rows and runner:
 * test/helpers/authConformance.ts): every scenario of 2025-11-25 again (the suite's requirements say a
 * scenario of both revisions must pass under each), and the ones new in 2026-07-28 — RFC 9207 `iss`
 * checks, the metadata issuer echo, a resource mismatch, `offline_access`, and a server that moves to
 * another authorization server. They need the suite's 0.2 line; with 0.1.x they are skipped, saying so.
 */
import { describeAuthConformance, new20260728, shared } from '../helpers/authConformance.js';

describeAuthConformance(
  'conformance auth/* client scenarios at spec 2026-07-28, run through the reverse bridge by a stateless desktop client and a headless browser',
  [...shared, ...new20260728].map((row) => ({ ...row, wire: '2026-07-28' as const })),
);
