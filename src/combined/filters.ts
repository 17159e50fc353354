// The per-server allow and deny lists of the combined endpoint, as picomatch glob patterns matched
// against a server's own names (tools, prompts) or a resource's URI and name.
import picomatch from 'picomatch';
import type { NameFilter } from './options.js';

/** Decides whether an entry is offered, given the strings it is known by (any one matching counts). */
export type Admit = (...candidates: (string | undefined)[]) => boolean;

const everything: Admit = () => true;

/**
 * Compiles a filter: an entry passes when `allow` is absent or one of its patterns matches one of the
 * entry's strings, and no `deny` pattern matches any of them (deny wins). `*` does not cross `/`
 * (picomatch's rule; use `**` in URIs); dots are matched like any character.
 */
export function compileFilter(filter: NameFilter | undefined): Admit {
  if (!filter || (filter.allow === undefined && (filter.deny ?? []).length === 0)) return everything;
  const options = { dot: true };
  const allow = filter.allow === undefined ? undefined : picomatch([...filter.allow], options);
  const deny = (filter.deny ?? []).length > 0 ? picomatch([...filter.deny!], options) : undefined;
  return (...candidates) => {
    const given = candidates.filter((candidate): candidate is string => typeof candidate === 'string');
    if (deny && given.some((candidate) => deny(candidate))) return false;
    return allow === undefined || given.some((candidate) => allow(candidate));
  };
}
