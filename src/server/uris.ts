/** Document URIs as file paths: only `file:` documents belong to a configuration on disk. */
import { fileURLToPath } from 'node:url';

/**
 * The paths of the URIs seen lately. Each keystroke asks for its document's path several times
 * (its analysis options, its configuration, the other open documents'), and parsing a URL costs
 * more than the rest of that bookkeeping (0.16 ms per keystroke in a CPU profile of the server).
 * A pure function of the URI: sharing it between connections is harmless; bounded by clearing.
 */
const known = new Map<string, string | undefined>();
const KNOWN_MAX = 4096;

export function filePathOf(uri: string): string | undefined {
  if (known.has(uri)) return known.get(uri);
  const path = pathOf(uri);
  if (known.size >= KNOWN_MAX) known.clear();
  known.set(uri, path);
  return path;
}

function pathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined; // a file: URI with a host (file://server/share) on a POSIX system
  }
}
