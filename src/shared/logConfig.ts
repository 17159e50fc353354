// The log settings (--logLevel, --logFormat) on their own, without winston: the config reads them at
// launch, before the stdio server is spawned, and must not load the logging library to do so (cold start).

/** Log levels accepted by `--logLevel`; `none` silences everything. */
export const logLevels = ['debug', 'info', 'warn', 'error', 'none'] as const;
export type LogLevel = (typeof logLevels)[number];
/** Log formats accepted by `--logFormat`. */
export const logFormats = ['pretty', 'json'] as const;
export type LogFormat = (typeof logFormats)[number];

/** `--logLevel` and `--logFormat` (default info, pretty). */
export interface LogConfig {
  readonly level: LogLevel;
  readonly format: LogFormat;
}
