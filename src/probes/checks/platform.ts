/** Platform and architecture; macOS version from `sw_vers` (absent elsewhere: noted, not a failure). */
import { arch, platform, release } from 'node:os';
import type { ProbeDefinition } from '../context.js';
import { commandEvidence } from '../context.js';
import { isNotInstalled } from '../exec.js';
import { defaultSystem } from '../testBuild.js';

export const platformProbe: ProbeDefinition = {
  id: 'platform',
  title: 'Platform and architecture',
  checks: 'macOS version (`sw_vers`) and architecture',
  verdicts: '—',
  requires: [],
  async run(ctx) {
    const result = await ctx.run(['sw_vers', '-productVersion'], 3000);
    const machine = `${platform()}-${arch()}`;
    if (isNotInstalled(result) || result.exitCode !== 0) {
      ctx.facts.platform = `${machine} (kernel ${release()})`;
      return {
        status: 'ok',
        summary: `${ctx.facts.platform}; sw_vers not available: not macOS, so macOS-only checks are skipped`,
        evidence: [commandEvidence(result, 'sw_vers is macOS-only')],
      };
    }
    const version = result.stdout.trim();
    ctx.facts.platform = `macOS ${version} (${machine})`;
    const guest = defaultSystem();
    return {
      status: 'ok',
      summary: `${ctx.facts.platform}; nix-darwin's builder VM runs ${guest}`,
      evidence: [commandEvidence(result, `stdout: ${version}`)],
    };
  },
};
