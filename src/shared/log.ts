// Logging (winston) to stderr, in pretty or JSON form, and how URLs are shown in logs.
import winston from 'winston';
import type { LogFormat, LogLevel } from './logConfig.js';

export { logFormats, logLevels, type LogConfig, type LogFormat, type LogLevel } from './logConfig.js';

/** Structured context attached to a log line (sessionId, transport, pid, …). */
export type LogMeta = Record<string, unknown>;

/** The logger every component receives; always writes to stderr, one line per event. */
export interface Logger {
  debug(message: string, meta?: LogMeta): void;
  info(message: string, meta?: LogMeta): void;
  warn(message: string, meta?: LogMeta): void;
  error(message: string, meta?: LogMeta): void;
  /** A logger that adds `meta` to every line. */
  child(meta: LogMeta): Logger;
  /** True when lines at `level` are written (so callers can skip building costly debug output). */
  isEnabled(level: Exclude<LogLevel, 'none'>): boolean;
}

// Keys whose values never reach a log line, whatever their nesting.
const secretKey = /authorization|cookie|api[-_]?key|token|secret|password|credential/i;

function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = secretKey.test(key) ? '[redacted]' : redact(inner, depth + 1);
  return out;
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'message') continue;
    info[key] = secretKey.test(key) ? '[redacted]' : redact(info[key]);
  }
  return info;
});

const prettyLine = winston.format.printf(({ level, message, timestamp, ...meta }) => {
  const context = Object.entries(meta)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${String(timestamp)} ${level} ${String(message)}${context ? ' ' + context : ''}`;
});

function wrap(logger: winston.Logger): Logger {
  // The level is fixed at creation, and the relay asks twice per message: asked of winston once per level.
  const enabled: Partial<Record<string, boolean>> = {};
  return {
    debug: (message, meta) => logger.debug(message, meta),
    info: (message, meta) => logger.info(message, meta),
    warn: (message, meta) => logger.warn(message, meta),
    error: (message, meta) => logger.error(message, meta),
    child: (meta) => new ChildLogger(logger, meta, enabled),
    isEnabled: (level) => (enabled[level] ??= logger.isLevelEnabled(level)),
  };
}

/**
 * A logger adding `meta` to every line, written through the process logger. Every session has
 * one for its whole life, so it is one small object (its methods on the prototype, the level cache
 * shared with its root) instead of winston's child, a derived logger plus a closure per level.
 */
class ChildLogger implements Logger {
  constructor(
    private readonly root: winston.Logger,
    private readonly meta: LogMeta,
    private readonly enabled: Partial<Record<string, boolean>>,
  ) {}

  debug(message: string, meta?: LogMeta): void {
    this.write('debug', message, meta);
  }

  info(message: string, meta?: LogMeta): void {
    this.write('info', message, meta);
  }

  warn(message: string, meta?: LogMeta): void {
    this.write('warn', message, meta);
  }

  error(message: string, meta?: LogMeta): void {
    this.write('error', message, meta);
  }

  child(meta: LogMeta): Logger {
    return new ChildLogger(this.root, { ...this.meta, ...meta }, this.enabled);
  }

  isEnabled(level: Exclude<LogLevel, 'none'>): boolean {
    return (this.enabled[level] ??= this.root.isLevelEnabled(level));
  }

  // As winston's child writes it: the child's meta first, then the line's, then level and message
  // (a `message` in the line's meta is appended to the message, as winston does).
  private write(level: string, message: string, meta: LogMeta | undefined): void {
    if (!this.isEnabled(level as Exclude<LogLevel, 'none'>)) return;
    const info = { ...this.meta, ...meta, level, message };
    if (meta?.message) info.message = `${message} ${String(meta.message)}`;
    this.root.log(info);
  }
}

/** Creates the process logger: stderr only (stdout may carry protocol), level `info` and `pretty` format by default. */
export function createLogger({ level = 'info', format = 'pretty' }: { level?: LogLevel; format?: LogFormat } = {}): Logger {
  const logger = winston.createLogger({
    level: level === 'none' ? 'error' : level,
    silent: level === 'none',
    format: winston.format.combine(
      redactFormat(),
      winston.format.timestamp(),
      format === 'json' ? winston.format.json() : prettyLine,
    ),
    transports: [new winston.transports.Stream({ stream: process.stderr })],
  });
  // When whoever reads our stderr goes away (EPIPE), stop logging and keep serving. Left unhandled,
  // the write error is logged as an uncaught exception, whose log write fails again, in a busy loop.
  const mute = (): void => void (logger.silent = true);
  process.stderr.on('error', mute);
  logger.on('error', mute);
  return wrap(logger);
}

/** A logger that writes nothing; for components used without one. */
export const silentLogger: Logger = createLogger({ level: 'none' });

/** A URL as logs show it: whole, but without the credentials it may carry (user:password@). */
export function shownUrl(url: string | URL): string {
  const shown = new URL(url);
  shown.username = '';
  shown.password = '';
  return shown.href;
}
