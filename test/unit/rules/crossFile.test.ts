/** Rules whose verdict depends on an option another module of the same configuration sets. */
import assert from 'node:assert/strict';
import { analyzeNix, configurationFacts } from '../../../src/rules/analyze.js';
import { FactsIndex } from '../../../src/rules/factsIndex.js';
import type { Elsewhere } from '../../../src/rules/rule.js';

/** The facts of `others` as the workspace layer merges them (file names `other-N.nix`). */
function merged(...others: string[]): Elsewhere {
  const index = new FactsIndex();
  others.forEach((text, i) => index.set(`other-${i}.nix`, configurationFacts(text)));
  return index.elsewhereFor('self.nix');
}

function codesWith(text: string, ...others: string[]): string[] {
  const elsewhere = merged(...others);
  return analyzeNix(text, { elsewhere })
    .findings.filter((f) => f.severity !== 'information' && f.severity !== 'hint')
    .map((f) => `${f.range.start.line + 1} ${f.code}`);
}

describe('rules across the modules of one configuration', () => {
  const builder =
    '{\n  nix.linux-builder.enable = true;\n  nix.linux-builder.systems = [ "aarch64-linux" "x86_64-linux" ];\n}\n';
  const emulation = '{\n  nix.linux-builder.config.boot.binfmt.emulatedSystems = [ "x86_64-linux" ];\n}\n';
  const nixOff = '{\n  nix.enable = false;\n}\n';

  it('x86-needs-emulation: emulation configured in another module silences it', () => {
    assert.deepEqual(codesWith(builder), ['3 x86-needs-emulation']);
    assert.deepEqual(codesWith(builder, emulation), []);
  });

  it('requires-nix-enable: nix.enable = false in another module is found on either side', () => {
    assert.deepEqual(codesWith(builder, emulation, nixOff), ['2 requires-nix-enable']);
    assert.deepEqual(codesWith(nixOff, builder), ['2 requires-nix-enable']);
    assert.deepEqual(codesWith(nixOff), []);
  });

  it('host-port-mismatch: an ssh config override in another module silences it', () => {
    const port = '{ nix.linux-builder.config.virtualisation.darwin-builder.hostPort = 2222; }\n';
    const override =
      '{ lib, ... }: { environment.etc."ssh/ssh_config.d/100-linux-builder.conf".text = lib.mkForce "Port 2222"; }\n';
    assert.deepEqual(codesWith(port), ['1 host-port-mismatch']);
    assert.deepEqual(codesWith(port, override), []);
  });

  it('distributed-builds-off: says the builder is enabled in another module', () => {
    const off = analyzeNix('{ nix.distributedBuilds = false; }\n', { elsewhere: merged(builder) }).findings;
    const hit = off.find((f) => f.code === 'distributed-builds-off')!;
    assert.match(hit.message, /conflicts with nix\.linux-builder/);
    assert.match(hit.detail ?? '', /nix\.linux-builder\.enable sets nix\.distributedBuilds = true/);
  });
});
