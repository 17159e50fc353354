// Where a client request of the combined endpoint goes: by offered name (tools/call, prompts/get),
// by URI (resources/read, subscribe, unsubscribe) or by prompt or template (completion/complete),
// with its parameters as that server knows them.
import type { Logger } from '../shared/log.js';
import { BridgeError } from '../shared/errors.js';
import type { CombinedCatalogue } from './combinedCatalogue.js';

type Json = Record<string, unknown>;

/** A request's server and its params there (names back to the server's own). */
export interface Route {
  readonly server: string;
  readonly params: Json;
}

/**
 * Routes one request. Throws NAME_NOT_FOUND for a name no server offers (a filtered one too, as if it
 * did not exist), SERVER_UNAVAILABLE naming the server for a name of a server that is down,
 * RESOURCE_NOT_FOUND for a URI nobody serves, METHOD_NOT_FOUND for a method it cannot route.
 */
export function routeRequest(catalogue: CombinedCatalogue, method: string, params: Json, _log: Logger): Route {
  switch (method) {
    case 'tools/call':
      return byName(catalogue, 'tools', params, 'name');
    case 'prompts/get':
      return byName(catalogue, 'prompts', params, 'name');
    case 'resources/read':
    case 'resources/subscribe':
    case 'resources/unsubscribe':
      return { server: byUri(catalogue, params.uri), params };
    case 'completion/complete':
      return completion(catalogue, params);
    default:
      throw new BridgeError('METHOD_NOT_FOUND', `${method} (the combined endpoint does not know which server it is for)`);
  }
}

function byName(catalogue: CombinedCatalogue, kind: 'tools' | 'prompts', params: Json, field: string): Route {
  const offered = String(params[field]);
  const target = catalogue.view.resolve(kind, offered);
  if (target) return { server: target.server, params: { ...params, [field]: target.name } };
  const down = catalogue.view.downOwner(kind, offered);
  if (down) throw new BridgeError('SERVER_UNAVAILABLE', `server "${down.name}" is down: ${down.downReason ?? 'not catalogued yet'}`);
  throw new BridgeError('NAME_NOT_FOUND', `${kind === 'tools' ? 'tool' : 'prompt'} "${offered}"`);
}

/** The server of a resource URI: the first in file order that lists it or has a template for it (others logged once), else the only resource server. */
function byUri(catalogue: CombinedCatalogue, uri: unknown): string {
  if (typeof uri !== 'string') throw new BridgeError('RESOURCE_NOT_FOUND', 'no uri given');
  const owner = catalogue.view.uriOwner(uri);
  if (owner) {
    if (owner.others.length > 0) catalogue.warnOnce(`resource ${uri} is served by several servers (${[owner.server, ...owner.others].join(', ')}); it goes to the first in the file, ${owner.server}`);
    return owner.server;
  }
  const sole = catalogue.view.soleResourceServer();
  if (sole) return sole;
  throw new BridgeError('RESOURCE_NOT_FOUND', uri);
}

function completion(catalogue: CombinedCatalogue, params: Json): Route {
  const ref = (params.ref ?? {}) as Json;
  if (ref.type === 'ref/prompt') {
    const route = byName(catalogue, 'prompts', ref, 'name');
    return { server: route.server, params: { ...params, ref: route.params } };
  }
  if (ref.type === 'ref/resource' && typeof ref.uri === 'string') {
    const server = catalogue.view.templateOwner(ref.uri) ?? byUri(catalogue, ref.uri);
    return { server, params };
  }
  throw new BridgeError('NAME_NOT_FOUND', `completion reference ${JSON.stringify(ref)}`);
}
