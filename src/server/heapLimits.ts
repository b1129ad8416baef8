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
 *
 * Measured again with the probe engine loaded lazily (server A against server B, one keystroke
 * each in turn, 300 pairs, 20,000-line file, load 4-5): V8's defaults are 5-7 % faster per
 * keystroke at 135-139 MiB; a growing young generation with the 40 % old one 7-13 % faster at
 * 107-114 MiB; a 60 % or 100 % old generation is no faster (ratio medians 1.03-1.05). A young
 * generation that grows but stops at 2 MiB would be the trade in between, but its limit
 * (--max-semi-space-size, --min-semi-space-size) is read when the heap is set up: set from here it
 * changes nothing (117 MiB after 200 edits). Most of what a keystroke allocates (618 of 1,060 KiB,
 * sampling heap profile) is the copy of the document's text the edit makes, a large object of its
 * own that lives until the next edit.
 *
 * Measured again once a keystroke's garbage died young (docs/dev/architecture.md#memory-while-typing;
 * 300 didChange + codeAction rounds on the 20,000-line file, three pairs): V8's defaults 4.7-5.3 ms
 * median at 125-126 MiB resident, these flags 5.5-6.0 ms at 75-78 MiB. The flags stay.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export const HEAP_FLAGS = ['--semi-space-growth-factor=1', '--heap-growing-percent=40'] as const;

export function keepHeapSmall(): void {
  for (const flag of HEAP_FLAGS) setFlagsFromString(flag);
}

/**
 * Parsing and analysing a large file from scratch (opening it) leaves the heap grown by all that
 * died meanwhile, and V8 keeps those pages until a later full collection: 78-79 MiB resident right
 * after opening the 20,000-line file, 70-71 MiB after one full collection, which took 10-13 ms
 * (measured from outside the process, twice). The server asks for it once the results are out.
 * V8 gives a script its `gc` only in contexts made after --expose-gc is set.
 */
export const COLLECT_AFTER_PARSING = 256 * 1024;
let collect: (() => void) | undefined;

export function collectGarbageNow(): void {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}
