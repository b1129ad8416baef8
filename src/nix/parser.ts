/**
 * The grammar's Lezer parser, with the memo of its parse actions installed (actionMemo.ts). Parse
 * through this module; the generated one's other importers read only its node types.
 */
import { parser } from './generated/parser.js';
import { memoizeActions } from './actionMemo.js';

memoizeActions(parser);

export { parser };
