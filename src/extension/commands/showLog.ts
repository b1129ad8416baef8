import type { Ctx } from '../ctx.js';

export function showLog(ctx: Ctx): () => void {
  return () => ctx.log.show(true);
}
