/**
 * The grammar's Lezer parser, with the memo of its parse actions installed (actionMemo.ts). Parse
 * through this module; the generated one's other importers read only its node types.
 */
import { parser } from './generated/parser.js';
import { memoizeActions } from './actionMemo.js';

/**
 * The same parser, building its trees with small buffers (128 characters, against Lezer's 1,024):
 * what parse.ts re-parses a document with while it has a syntax error. Lezer reuses only whole
 * Tree nodes, never the nodes inside a TreeBuffer, and what it built while recovering from an
 * error is never reused (parseWithinLimits.ts), so every keystroke re-parsed the buffers that
 * straddle each error: ~1,500 characters at a mistyped `in`, ~2,000 at the file's end where its
 * `let` then ends. Built in small buffers, those stretches shrink to a binding or two. Same
 * tables, same trees node for node; only how nodes are packed differs. Clean documents keep the
 * big buffers, which make a smaller tree and a cheaper walk for the analysis.
 */
const parserAroundErrors = parser.configure({ bufferLength: 128 });

memoizeActions(parser, parserAroundErrors);

export { parser, parserAroundErrors };
