/**
 * Reads a gateway config file as the desktop clients keep it (`mcpServers` or VS Code's `servers`,
 * JSON with comments and trailing commas), expands its variables and validates it, listing every
 * problem with the field it is in.
 */
import { readFileSync } from 'node:fs';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { z } from 'zod';
import { BridgeError } from '../shared/errors.js';
import {
  gatewaySectionSchema,
  remoteEntrySchema,
  stdioEntrySchema,
  type GatewaySection,
  type RemoteEntry,
  type ServerOverrides,
  type StdioEntry,
} from './fileSchema.js';
import { expandAll } from './variables.js';

/** One enabled server of the file. */
export type FileServer =
  | { readonly name: string; readonly kind: 'stdio'; readonly entry: StdioEntry; readonly overrides: ServerOverrides }
  | { readonly name: string; readonly kind: 'remote'; readonly entry: RemoteEntry; readonly overrides: ServerOverrides };

/** What a gateway config file says. */
export interface GatewayFile {
  readonly path: string;
  /** The top-level key the servers were read from. */
  readonly format: 'mcpServers' | 'servers';
  /** Enabled servers, in file order. */
  readonly servers: readonly FileServer[];
  /** Names of entries skipped with `"disabled": true`. */
  readonly disabled: readonly string[];
  /** Separator of combined names (default `__`). */
  readonly separator: string;
}

/** The top-level key of the gateway's own settings, which desktop clients ignore. */
export const gatewaySectionKey = 'mcp-bridge';
/** Server names become URL path segments: letters, digits, `-`, `_` and `.` (not leading). */
const serverName = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

type Path = (string | number)[];
interface Problem {
  path: Path;
  message: string;
}

/** Reads, expands and validates `path`; throws CONFIG_INVALID naming the file and every problem. */
export function readGatewayFile(path: string, env: NodeJS.ProcessEnv): GatewayFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new BridgeError('CONFIG_INVALID', `${path}: cannot read the config file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseGatewayFile(path, text, env);
}

/** Parses the text of a gateway config file (see readGatewayFile). */
export function parseGatewayFile(path: string, text: string, env: NodeJS.ProcessEnv): GatewayFile {
  const syntax: ParseError[] = [];
  const root: unknown = parse(text, syntax, { allowTrailingComma: true, disallowComments: false });
  if (syntax.length > 0) fail(path, syntax.map((error) => ({ path: [], message: `${printParseErrorCode(error.error)} at ${lineAndColumn(text, error.offset)}` })));
  if (!isObject(root)) fail(path, [{ path: [], message: 'the file must hold a JSON object' }]);
  const format = 'mcpServers' in root ? 'mcpServers' : 'servers' in root ? 'servers' : undefined;
  if (!format) fail(path, [{ path: [], message: 'no "mcpServers" (Claude Desktop, Cursor) or "servers" (VS Code) object' }]);
  const problems: Problem[] = [];
  const entries = root[format];
  if (!isObject(entries)) fail(path, [{ path: [format], message: 'must be an object of servers by name' }]);
  const section = readSection(root[gatewaySectionKey], env, problems);
  const servers: FileServer[] = [];
  const disabled: string[] = [];
  for (const [name, raw] of Object.entries(entries)) {
    const server = readServer(format, name, raw, env, section, problems);
    if (server === 'disabled') disabled.push(name);
    else if (server) servers.push(server);
  }
  for (const name of sectionServerNames(root[gatewaySectionKey])) {
    if (!(name in entries)) problems.push({ path: [gatewaySectionKey, 'servers', name], message: `no server "${name}" in "${format}"` });
  }
  if (problems.length > 0) fail(path, problems);
  return { path, format, servers, disabled, separator: section.separator ?? '__' };
}

function readSection(raw: unknown, env: NodeJS.ProcessEnv, problems: Problem[]): GatewaySection {
  if (raw === undefined) return { servers: {} };
  const expanded = expandAll(raw, env, [gatewaySectionKey], problems);
  return validate(gatewaySectionSchema, expanded, [gatewaySectionKey], problems) ?? { servers: {} };
}

/** The server names the gateway section has settings for, read before validation so that each is checked. */
function sectionServerNames(raw: unknown): string[] {
  return isObject(raw) && isObject(raw.servers) ? Object.keys(raw.servers) : [];
}

function readServer(format: string, name: string, raw: unknown, env: NodeJS.ProcessEnv, section: GatewaySection, problems: Problem[]): FileServer | 'disabled' | undefined {
  const path = [format, name];
  if (!serverName.test(name)) {
    problems.push({ path, message: 'a server name must be 1-64 letters, digits, "-", "_" or "." (it becomes part of the URL)' });
    return undefined;
  }
  if (!isObject(raw)) {
    problems.push({ path, message: 'must be an object' });
    return undefined;
  }
  if (raw.disabled === true) return 'disabled';
  const expanded = expandAll(raw, env, path, problems);
  const overrides = section.servers[name] ?? {};
  const isRemote = 'url' in raw || (typeof raw.type === 'string' && raw.type !== 'stdio');
  if (!isRemote && !('command' in raw) && raw.type === undefined) {
    problems.push({ path, message: 'needs "command" (a stdio server) or "url" (a remote server)' });
    return undefined;
  }
  if (isRemote) {
    const entry = validate(remoteEntrySchema, expanded, path, problems);
    return entry && { name, kind: 'remote', entry, overrides };
  }
  const entry = validate(stdioEntrySchema, expanded, path, problems);
  return entry && { name, kind: 'stdio', entry, overrides };
}

function validate<S extends z.ZodType>(schema: S, value: unknown, at: Path, problems: Problem[]): z.infer<S> | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const path = [...at, ...(issue.path as Path)];
    const missing = issue.code === 'invalid_type' && valueAt(value, issue.path as Path) === undefined;
    problems.push({ path, message: missing ? 'required' : issue.message });
  }
  return undefined;
}

function valueAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (isObject(node) || Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined), value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

function fail(path: string, problems: Problem[]): never {
  const lines = problems.map(({ path: at, message }) => `  ${at.length > 0 ? `${at.join('.')}: ` : ''}${message}`);
  throw new BridgeError('CONFIG_INVALID', `${path}: invalid config file\n${lines.join('\n')}`);
}
