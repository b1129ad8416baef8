/** Document URIs as file paths: only `file:` documents belong to a configuration on disk. */
import { fileURLToPath } from 'node:url';

export function filePathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined; // a file: URI with a host (file://server/share) on a POSIX system
  }
}
