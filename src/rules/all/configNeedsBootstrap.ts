/**
 * `config-needs-bootstrap` (hint: advice, not a mistake, so no squiggle on a healthy configuration;
 * quiet once a health check or test build has shown the builder works): a customised `nix.linux-builder.config` is a new VM image.
 * nix-darwin's option description says "You should first use the Linux builder without changing the
 * builder configuration otherwise you may not be able to build the Linux builder"
 * (modules/nix/linux-builder.nix): *may*, because the changed image is built on Linux only when the
 * binary cache does not have it (docs/dev/domain.md#what-enabling-the-builder-generates).
 */
import { BUILDER_CONFIG_PATH } from '../../schema/index.js';
import { definitionsAt, definitionsUnder, type Rule } from '../rule.js';
import { builderMayRun } from '../builderState.js';

export const configNeedsBootstrapRule: Rule = {
  id: 'config-needs-bootstrap',
  severity: 'hint',
  untilBuilderWorks: true,
  reads: [['nix', 'linux-builder']],
  docs: 'docs/rules/config-needs-bootstrap.md',
  summary:
    'a customised VM `config` is a new image, which may need a working builder to build it (when the cache does not have it)',
  check(ctx) {
    if (!builderMayRun(ctx)) return []; // a builder that is off runs no VM (builderState.ts)
    const nested = definitionsUnder(ctx, BUILDER_CONFIG_PATH);
    // An empty set (however it is laid out) customises nothing; a function or other value may.
    const direct = definitionsAt(ctx, BUILDER_CONFIG_PATH).filter(
      (d) => d.value.kind !== 'attrs' || nested.length > 0,
    );
    const first = direct[0] ?? nested[0];
    if (!first) return [];
    const span = direct[0]
      ? first.nameSpan
      : (first.pathSpans[BUILDER_CONFIG_PATH.length - 1] ?? first.nameSpan);
    return [
      {
        span,
        severity: 'hint',
        message:
          'A customised builder config is a new VM image, which may need a working Linux builder to build.',
        detail:
          "Changing nix.linux-builder.config changes the VM image. When the binary cache does not have that image, it must be built on Linux, by a builder that already works; nix-darwin's option description says to use the builder unmodified first. On first setup: switch with the builder enabled and unmodified, wait until it works, then add this configuration.",
        fixes: [],
      },
    ];
  },
};
