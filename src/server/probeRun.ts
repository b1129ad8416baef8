/**
 * What the probe requests run (the probe engine, the SSH configuration reader, the Markdown
 * report), loaded on the first probe request: a server that only checks .nix files never loads or
 * compiles it. Bundled as dist/server-probes.cjs (scripts/build.mjs), so dist/server.cjs does not
 * parse it at start either: 7 MiB less resident with nothing probed (issue 8, goal 4).
 */
export { runProbes } from '../probes/run.js';
export { renderMarkdownReport } from '../probes/markdownReport.js';
