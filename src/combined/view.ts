// A snapshot of the combined endpoint's offer, rebuilt whenever a catalogue or the options change:
// each server's entries filtered and renamed, the tables that resolve offered names back, and who
// owns which resource URI.
import type { CataloguePage, Entry, ListKind, ServerCatalogue } from './catalogue.js';
import { compileFilter, type Admit } from './filters.js';
import { describeCollision, NameTable, offeredName, type NameCollision } from './naming.js';
import { memberOptions, type CombinedOptions } from './options.js';
import { matchesTemplate } from './uriTemplate.js';

/** Which name field each list's entries are renamed in (resources keep theirs: they are known by URI). */
const renamed: Record<ListKind, boolean> = { tools: true, prompts: true, resources: false, resourceTemplates: true };
const kindWord: Record<ListKind, string> = { tools: 'tool', prompts: 'prompt', resources: 'resource', resourceTemplates: 'resource template' };

/** One server's offered pages of one list. */
interface OfferedList {
  readonly server: string;
  readonly pages: readonly CataloguePage[];
}

/** The catalogues in file order, with the filters compiled once per view. */
interface Member {
  readonly name: string;
  readonly catalogue: ServerCatalogue;
  readonly prefix: string;
  readonly admit: Record<'tools' | 'prompts' | 'resources', Admit>;
}

/** Where a resource URI leads: the first server (file order) listing it or having a template for it, and any others that do. */
export interface UriOwner {
  readonly server: string;
  readonly others: readonly string[];
}

/** The combined offer at one moment. */
export class CombinedView {
  readonly collisions: { kind: string; collision: NameCollision }[] = [];
  private readonly members: Member[];
  private readonly offered = new Map<ListKind, OfferedList[]>();
  private readonly tables: Record<'tools' | 'prompts' | 'resourceTemplates', NameTable> = { tools: new NameTable(), prompts: new NameTable(), resourceTemplates: new NameTable() };

  constructor(catalogues: readonly ServerCatalogue[], private readonly options: CombinedOptions) {
    this.members = catalogues.map((catalogue) => {
      const member = memberOptions(options, catalogue.name);
      const admit = { tools: compileFilter(member.tools), prompts: compileFilter(member.prompts), resources: compileFilter(member.resources) };
      return { name: catalogue.name, catalogue, prefix: member.prefix, admit };
    });
    for (const kind of Object.keys(renamed) as ListKind[]) this.offered.set(kind, this.members.map((member) => ({ server: member.name, pages: this.offerPages(member, kind) })));
  }

  /** Every collision as the problem it is reported as (naming both servers). */
  get problems(): string[] {
    return this.collisions.map(({ kind, collision }) => describeCollision(kind, collision));
  }

  /** The offered pages of one list, per server in file order (servers down offer none). */
  listOf(kind: ListKind): readonly OfferedList[] {
    return this.offered.get(kind) ?? [];
  }

  /** The server and own name behind an offered tool, prompt or template name, when an up server offers it. */
  resolve(kind: 'tools' | 'prompts' | 'resourceTemplates', offered: string) {
    return this.tables[kind].resolve(offered);
  }

  /** The server that is down whose last-known entries (or whose prefix) would have offered `offered`, if any: its errors name it. */
  downOwner(kind: 'tools' | 'prompts', offered: string): ServerCatalogue | undefined {
    for (const member of this.members) {
      if (member.catalogue.state === 'up') continue;
      const known = member.catalogue.lastKnown(kind).some((entry) => offeredName(member.prefix, this.options.separator, String(entry.name)) === offered);
      if (known || (member.prefix !== '' && offered.startsWith(member.prefix + this.options.separator))) return member.catalogue;
    }
    return undefined;
  }

  /** Who serves resource `uri`: servers (file order) whose offered resources list it, else whose offered templates match it. */
  uriOwner(uri: string): UriOwner | undefined {
    const listing = this.serversOffering('resources', (entry) => entry.uri === uri);
    const owners = listing.length > 0 ? listing : this.serversOffering('resourceTemplates', (entry) => typeof entry.uriTemplate === 'string' && matchesTemplate(entry.uriTemplate, uri));
    return owners.length > 0 ? { server: owners[0]!, others: owners.slice(1) } : undefined;
  }

  /** The server whose offered template is exactly `uriTemplate` (completion of a template's argument). */
  templateOwner(uriTemplate: string): string | undefined {
    return this.serversOffering('resourceTemplates', (entry) => entry.uriTemplate === uriTemplate)[0];
  }

  /** The only up server that offers resources without a resources filter, if exactly one: unlisted URIs go to it. */
  soleResourceServer(): string | undefined {
    const candidates = this.members.filter((member) => member.catalogue.state === 'up' && capabilitiesOf(member.catalogue).resources !== undefined);
    const only = candidates.length === 1 ? candidates[0]! : undefined;
    return only && memberOptions(this.options, only.name).resources === undefined ? only.name : undefined;
  }

  /** Each server's offered names of every list, for GET /servers. */
  offeredNames(server: string): Record<ListKind, string[]> {
    const names = (kind: ListKind, field: string): string[] =>
      (this.listOf(kind).find((list) => list.server === server)?.pages ?? []).flatMap((page) => page.items.map((entry) => String(entry[field])));
    return { tools: names('tools', 'name'), prompts: names('prompts', 'name'), resources: names('resources', 'uri'), resourceTemplates: names('resourceTemplates', 'name') };
  }

  private serversOffering(kind: ListKind, test: (entry: Entry) => boolean): string[] {
    return this.listOf(kind)
      .filter((list) => list.pages.some((page) => page.items.some(test)))
      .map((list) => list.server);
  }

  /** A member's pages of one list, filtered, renamed and without the names an earlier server already offers. */
  private offerPages(member: Member, kind: ListKind): CataloguePage[] {
    const admit = member.admit[kind === 'resourceTemplates' ? 'resources' : kind];
    return member.catalogue.pagesOf(kind).map((page) => ({
      ...page,
      items: page.items.flatMap((entry) => {
        const own = String(entry.name);
        const admitted = kind === 'resources' ? admit(entry.uri as string, own) : kind === 'resourceTemplates' ? admit(entry.uriTemplate as string, own) : admit(own);
        if (!admitted) return [];
        if (!renamed[kind]) return [entry];
        const name = offeredName(member.prefix, this.options.separator, own);
        const table = this.tables[kind as 'tools' | 'prompts' | 'resourceTemplates'];
        const before = table.collisions.length;
        if (!table.add(name, member.name, own)) {
          this.collisions.push({ kind: kindWord[kind], collision: table.collisions[before]! });
          return [];
        }
        return [{ ...entry, name }];
      }),
    }));
  }
}

/** A catalogue's declared capabilities (empty before it was ever initialized). */
export function capabilitiesOf(catalogue: ServerCatalogue): Record<string, Record<string, unknown> | undefined> {
  return (catalogue.initializeResult?.capabilities ?? {}) as Record<string, Record<string, unknown> | undefined>;
}
