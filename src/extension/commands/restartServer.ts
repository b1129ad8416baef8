import type { Ctx } from '../ctx.js';

/** "Restart Language Server" (also offered after settings that need it change). */
export function restartServer(ctx: Ctx): () => Promise<void> {
  return () => ctx.restartClient();
}
