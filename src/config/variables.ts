/**
 * Variables in the strings of a gateway config file: `${VAR}`, `${VAR:-default}` and `${env:VAR}`,
 * read from the gateway's environment, as desktop clients and shells write them.
 */

/** A `${…}` that could not be expanded, with the variable's name and why. */
export interface VariableProblem {
  readonly variable: string;
  readonly problem: string;
}

const reference = /\$\{([^}]*)\}/g;
const plainName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The value one `${…}` body stands for, or the problem with it. */
function lookUp(body: string, env: NodeJS.ProcessEnv): { value: string } | VariableProblem {
  const [name, fallback] = body.startsWith('env:') ? [body.slice(4), undefined] : splitDefault(body);
  if (!plainName.test(name)) return { variable: body, problem: `\${${body}} is not a variable this gateway expands (use \${VAR}, \${VAR:-default} or \${env:VAR})` };
  const value = env[name];
  if (value !== undefined && value !== '') return { value };
  if (fallback !== undefined) return { value: fallback };
  if (value !== undefined) return { value };
  return { variable: name, problem: `the variable ${name} is not set and has no default` };
}

function splitDefault(body: string): [string, string | undefined] {
  const at = body.indexOf(':-');
  return at < 0 ? [body, undefined] : [body.slice(0, at), body.slice(at + 2)];
}

/** Expands every `${…}` of `text` from `env`; returns the text, or the first variable that cannot be expanded. */
export function expandVariables(text: string, env: NodeJS.ProcessEnv): { text: string } | VariableProblem {
  let problem: VariableProblem | undefined;
  const expanded = text.replace(reference, (whole, body: string) => {
    const found = lookUp(body, env);
    if ('value' in found) return found.value;
    problem ??= found;
    return whole;
  });
  return problem ?? { text: expanded };
}

/**
 * Expands the variables in every string of a parsed JSON value (object keys stay as they are).
 * Each problem is reported with the path of the string it was found in.
 */
export function expandAll(value: unknown, env: NodeJS.ProcessEnv, path: readonly (string | number)[], problems: { path: (string | number)[]; message: string }[]): unknown {
  if (typeof value === 'string') {
    const result = expandVariables(value, env);
    if ('text' in result) return result.text;
    problems.push({ path: [...path], message: result.problem });
    return value;
  }
  if (Array.isArray(value)) return value.map((item, index) => expandAll(item, env, [...path, index], problems));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, expandAll(item, env, [...path, key], problems)]));
  }
  return value;
}
