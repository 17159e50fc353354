// What the HTTP side of the forward bridge is configured with: where it listens, its routes and
// limits, and the inbound protection chain. config/ builds these; the http/ modules only read them.

/** The HTTP side of the forward bridge. */
export interface HttpConfig {
  readonly port: number;
  readonly host: string;
  readonly baseUrl: string | undefined;
  readonly ssePath: string;
  readonly messagePath: string;
  readonly streamableHttpPath: string;
  readonly maxBodyBytes: number;
  readonly keepaliveMs: number;
  readonly jsonResponse: boolean;
  /** Host names accepted in `Host`; undefined means no check. */
  readonly allowedHosts: readonly string[] | undefined;
  /** Origins accepted in `Origin`; undefined means no check. */
  readonly allowedOrigins: readonly string[] | undefined;
}

/** Which browser origins may call the bridge cross-origin; `'*'` is any. */
export type CorsOrigins = '*' | readonly string[];

/** A per-client-IP request budget: at most `limit` requests per `windowMs`. */
export interface RateLimitConfig {
  readonly limit: number;
  readonly windowMs: number;
}

/** Inbound protection of the forward bridge's HTTP endpoints (health probes are always open). */
export interface SecurityConfig {
  /** The key every request must carry (Bearer or X-API-Key); undefined: no key check. Never logged. */
  readonly apiKey: string | undefined;
  /** CORS is off (undefined) unless `--cors` is given. */
  readonly cors: CorsOrigins | undefined;
  /** Off (undefined) unless `--rateLimit` is given. */
  readonly rateLimit: RateLimitConfig | undefined;
  /** Live sessions allowed at once across both transports (0: no limit). */
  readonly maxSessions: number;
}
