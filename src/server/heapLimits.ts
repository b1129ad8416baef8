/**
 * The language server's garbage collector settings (issue 8, goal 4: ≤ 80 MiB resident with a
 * 20,000-line file open and edited). What a document keeps is small (its text, one tree, the
 * analysis: ~10 MiB live for 20,000 lines, measured with heap snapshots); the resident size was
 * V8's slack around it. Parsing and analysing allocate a lot that dies young, and V8 grows its
 * young generation up to 16 MiB per semi-space and lets the old one grow well past what survives
 * before collecting, and keeps those pages: 117 MiB after opening the file, up to 157 MiB after
 * 100 edits, of which ~60 MiB is the process before any document.
 *
 * So the young generation stays at its starting size (a semi-space growth factor of 1) and the
 * old generation is collected once it has grown by 40 % over what survived the last collection:
 * ~82 MiB after the open and after the edits. A 10 % growth saved ~2 MiB more and made keystrokes
 * through the server ~30 % slower (more full collections); 40 % costs ~10 %, within the noise of
 * a loaded machine.
 * Both are V8 heap-sizing heuristics that V8 reads at each collection, so setting them from
 * inside the running process takes effect (node:v8 setFlagsFromString), for every client that
 * starts the server, whatever flags it passes to node.
 */
import { setFlagsFromString } from 'node:v8';

export const HEAP_FLAGS = ['--semi-space-growth-factor=1', '--heap-growing-percent=40'] as const;

export function keepHeapSmall(): void {
  for (const flag of HEAP_FLAGS) setFlagsFromString(flag);
}
