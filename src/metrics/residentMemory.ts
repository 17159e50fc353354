// Resident memory of MCP server processes, sampled from /proc when metrics are scraped. Each child
// leads its own process group, so a server started through npx or a shell is counted with every
// process of its group, not only the launcher.
import { readdirSync, readFileSync } from 'node:fs';

/** Bytes per page of /proc's rss field (4 KiB on the x86-64 and arm64 Linux we run on). */
const pageBytes = 4096;

/** Resident bytes of every process, summed by process group; empty where there is no /proc. */
function residentBytesByGroup(): Map<number, number> {
  const byGroup = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return byGroup;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
    } catch {
      continue; // The process ended while we looked.
    }
    // Fields after the command name, which is in parentheses and may itself hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const group = Number(fields[2]);
    const rssPages = Number(fields[21]);
    if (Number.isFinite(group) && Number.isFinite(rssPages)) byGroup.set(group, (byGroup.get(group) ?? 0) + rssPages * pageBytes);
  }
  return byGroup;
}

/** Reads /proc once and returns a function giving the resident bytes of the process groups led by `leaders`. */
export function sampleResidentBytes(): (leaders: Iterable<number>) => number {
  const byGroup = residentBytesByGroup();
  return (leaders) => {
    let bytes = 0;
    for (const leader of leaders) bytes += byGroup.get(leader) ?? 0;
    return bytes;
  };
}
