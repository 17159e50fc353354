// Whether a resource URI is one a server's URI template (RFC 6570) describes, for routing reads,
// subscriptions and completions of the combined endpoint to the server that owns a template.

const compiled = new Map<string, RegExp>();

/**
 * A matcher for `template`: literal text must match exactly; `{var}` matches one path segment,
 * `{+var}` and `{#var}` anything, `{?a,b}` and `{&a}` an optional query part. Enough to tell which
 * server a URI belongs to; it does not extract values.
 */
function matcher(template: string): RegExp {
  let regex = compiled.get(template);
  if (regex) return regex;
  let source = '';
  let last = 0;
  for (const match of template.matchAll(/\{([^}]*)\}/g)) {
    source += escape(template.slice(last, match.index));
    const operator = match[1]!.charAt(0);
    source += operator === '+' || operator === '#' ? '.*' : operator === '?' || operator === '&' ? '(?:[?&].*)?' : '[^/?#]*';
    last = match.index + match[0].length;
  }
  source += escape(template.slice(last));
  regex = new RegExp(`^${source}$`);
  if (compiled.size < 10_000) compiled.set(template, regex);
  return regex;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** True when `uri` is one of the URIs `template` describes. */
export function matchesTemplate(template: string, uri: string): boolean {
  return matcher(template).test(uri);
}
