/**
 * The official conformance suite's auth/* client scenarios of spec 2025-11-25 at its (stateful) wire,
 * the two 2025-03-26 back-compat scenarios and the client-credentials extension, with mcp-bridge in
 * reverse mode as the OAuth client under test (rows and runner: test/helpers/authConformance.ts).
 * The 2026-07-28 rows are in reverse-conformance-auth-2026.test.ts.
 */
import { describeAuthConformance, shared, type Row } from '../helpers/authConformance.js';

const rows: Row[] = [
  ...shared.map((row) => ({ ...row, wire: '2025-11-25' as const })),
  { scenario: 'auth/2025-03-26-oauth-metadata-backcompat', wire: '2025-03-26', behaviour: 'no PRM: AS metadata at the MCP origin root, endpoints taken from it (under /oauth), DCR' },
  { scenario: 'auth/2025-03-26-oauth-endpoint-fallback', wire: '2025-03-26', behaviour: 'no PRM and no AS metadata: /authorize, /token and /register at the MCP origin' },
  { scenario: 'auth/client-credentials-basic', wire: 'extension', behaviour: 'client_credentials grant with client_secret_basic (--clientCredentials --clientId --clientSecret), no browser' },
  { scenario: 'auth/client-credentials-jwt', wire: 'extension', behaviour: 'client_credentials grant with private_key_jwt: ES256 assertion, iss=sub=client_id, aud=AS issuer, key from --clientInfoFile' },
];

describeAuthConformance('conformance auth/* client scenarios (2025-03-26, 2025-11-25, client credentials), run through the reverse bridge by a stdio desktop client and a headless browser', rows);
