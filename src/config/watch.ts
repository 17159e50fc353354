// Watches a config file for changes. It watches the file's folder, not the file: editors save by
// writing a new file and renaming it over the old one, which a watch on the old file never sees.
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/** How long the file must stay quiet before a change is reported (300 ms): one save is often several writes. */
export const watchDebounceMs = 300;

/** Calls `changed` once after each burst of changes to `path`; returns how to stop watching. A folder that cannot be watched is reported to `failed`. */
export function watchConfigFile(path: string, changed: () => void, failed: (error: Error) => void, debounceMs = watchDebounceMs): () => void {
  const name = basename(path);
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher;
  try {
    watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
      // Some platforms do not name the file; then any change in the folder counts.
      if (file !== null && file.toString() !== name) return;
      clearTimeout(timer);
      timer = setTimeout(changed, debounceMs);
    });
  } catch (error) {
    failed(error as Error);
    return () => {};
  }
  watcher.on('error', failed);
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
