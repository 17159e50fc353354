/**
 * The shapes of a gateway config file's server entries, as zod schemas: `mcpServers` (Claude
 * Desktop, Claude Code, Cursor, Windsurf) and `servers` (VS Code), plus the gateway's own section.
 */
import { z } from 'zod';

const stringMap = z.record(z.string(), z.string());
const duration = z.union([z.string(), z.number().nonnegative()]);
const count = z.number().int().nonnegative();

/** A stdio server: the command desktop clients spawn. Unknown keys (other clients' extras) are ignored. */
export const stdioEntrySchema = z.looseObject({
  type: z.literal('stdio').optional(),
  command: z.string().min(1, 'must not be empty'),
  args: z.array(z.string()).default([]),
  env: stringMap.default({}),
  cwd: z.string().min(1).optional(),
  disabled: z.boolean().optional(),
});

/** Remote transports as the desktop clients' files name them. */
export const remoteTypes = ['http', 'streamable-http', 'streamableHttp', 'sse'] as const;

/** A remote server: its URL and the headers sent to it. */
export const remoteEntrySchema = z.looseObject({
  type: z.enum(remoteTypes).optional(),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  headers: stringMap.default({}),
  disabled: z.boolean().optional(),
});

const filter = z.strictObject({ allow: z.array(z.string()).optional(), deny: z.array(z.string()).optional() });

/**
 * OAuth for a remote entry: `false` turns it off; otherwise a pre-registered client (as the reverse
 * mode's flags of the same names), client credentials, and the scopes to ask for.
 */
export const oauthOverrideSchema = z.union([
  z.literal(false),
  z.strictObject({
    clientId: z.string().min(1).optional(),
    clientSecret: z.string().min(1).optional(),
    clientInfoFile: z.string().min(1).optional(),
    clientMetadataUrl: z.string().min(1).optional(),
    clientCredentials: z.boolean().optional(),
    authorizationServer: z.string().min(1).optional(),
    scope: z.string().min(1).optional(),
  }),
]);

/** Per-server settings of the gateway, which desktop clients never read (top-level `"mcp-bridge"`). */
export const serverOverridesSchema = z.strictObject({
  sessionMode: z.enum(['per-session', 'shared']).optional(),
  pool: z.number().int().positive().optional(),
  prespawn: count.optional(),
  headStart: z.boolean().optional(),
  sessionTimeout: duration.optional(),
  requestTimeout: duration.optional(),
  childIdleTimeout: duration.optional(),
  maxInFlight: count.optional(),
  maxQueued: count.optional(),
  env: stringMap.optional(),
  passEnv: z.array(z.string()).optional(),
  passthrough: z.boolean().optional(),
  prefix: z.string().optional(),
  tools: filter.optional(),
  prompts: filter.optional(),
  resources: filter.optional(),
  oauth: oauthOverrideSchema.optional(),
});

/** The gateway's own top-level section. */
export const gatewaySectionSchema = z.strictObject({
  separator: z.string().min(1).optional(),
  servers: z.record(z.string(), serverOverridesSchema).default({}),
});

export type StdioEntry = z.infer<typeof stdioEntrySchema>;
export type RemoteEntry = z.infer<typeof remoteEntrySchema>;
export type ServerOverrides = z.infer<typeof serverOverridesSchema>;
export type GatewaySection = z.infer<typeof gatewaySectionSchema>;
export type OAuthOverride = z.infer<typeof oauthOverrideSchema>;
