/**
 * Names a child inherits from the gateway by default: enough to find programs, a home directory,
 * locale and proxies. Everything else (the gateway's own secrets included) stays out unless named
 * with `--passEnv` or set with `--env`.
 */
export const inheritedEnvNames: readonly string[] = [
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TERM', 'LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'TZ',
  'TMPDIR', 'TMP', 'TEMP', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME', 'XDG_RUNTIME_DIR',
  'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR',
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy',
  'SYSTEMROOT', 'COMSPEC', 'APPDATA', 'LOCALAPPDATA', 'USERPROFILE', 'PATHEXT',
];

/** Builds a child's environment: the allow-list and `passEnv` names from `source`, then `extra` on top. */
export function childEnvironment(
  source: NodeJS.ProcessEnv,
  passEnv: readonly string[],
  extra: Readonly<Record<string, string>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [...inheritedEnvNames, ...passEnv]) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}
