/**
 * The extension page and the .vsix (issue 9 item 7): an icon, README images that load inside VS
 * Code from the packaged files (links stay relative: `--no-rewrite-relative-links`), no made-up
 * `example.invalid` address, and nothing packaged that the extension does not need.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../util/paths.js';

const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
  icon?: string;
  scripts: Record<string, string>;
};

/** What `vsce ls` says the .vsix holds (it applies .vscodeignore like `vsce package`). */
function packagedFiles(): string[] {
  const vsce = join(projectRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  const run = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], {
    cwd: projectRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** What the extension needs at run time, plus the page (README, CHANGELOG, LICENSE, icon, images). */
const NEEDED = [
  /^package\.json$/,
  /^README\.md$/,
  /^CHANGELOG\.md$/,
  /^LICENSE$/,
  /^language-configuration\.json$/,
  /^dist\/(extension|server|server-\w+|cli|cli-\w+|checkWorker)\.cjs$/,
  /^syntaxes\/nix\.tmLanguage\.json$/,
  /^media\/(icon\.png|builder\.svg)$/,
  /^media\/walkthrough\/\w+\.md$/,
  /^media\/screenshots\/[\w-]+\.png$/,
  /^docs\/rules\/[\w-]+\.md$/,
];

describe('the .vsix and its extension page', function () {
  this.timeout(90_000);
  let files: string[] = [];
  before(() => {
    files = packagedFiles();
  });

  it('packages the icon, a PNG of at least 128x128', () => {
    assert.equal(pkg.icon, 'media/icon.png');
    assert.ok(files.includes('media/icon.png'));
    const png = readFileSync(join(projectRoot, 'media/icon.png'));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    assert.ok(width >= 128 && width === height, `${width}x${height}`);
  });

  it('packages every image the README shows, under the relative path it uses', () => {
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '');
    assert.ok(images.length > 0);
    for (const image of images) {
      assert.doesNotMatch(image, /^[a-z]+:/i, `${image}: an absolute URL does not load offline`);
      assert.ok(files.includes(image), `${image} is not in the .vsix (.vscodeignore)`);
    }
    assert.match(pkg.scripts.package ?? '', /--no-rewrite-relative-links/);
  });

  const bundlesLoadedBy = (bundle: string): string[] => {
    const text = readFileSync(join(projectRoot, 'dist', bundle), 'utf8');
    return [...text.matchAll(/"(?:\.\/)?([\w-]+\.cjs)"/g)].map((m) => `dist/${m[1] ?? ''}`);
  };

  it("packages every bundle the CLI loads (its commands' bundles, the check worker)", () => {
    const loaded = bundlesLoadedBy('cli.cjs');
    assert.ok(
      loaded.includes('dist/cli-probe.cjs') && loaded.includes('dist/checkWorker.cjs'),
      loaded.join(),
    );
    assert.deepEqual(
      loaded.filter((f) => !files.includes(f)),
      [],
    );
  });

  it('packages every bundle the language server loads (the probe and explain engines)', () => {
    const loaded = bundlesLoadedBy('server.cjs');
    assert.ok(
      loaded.includes('dist/server-probes.cjs') && loaded.includes('dist/server-explain.cjs'),
      loaded.join(),
    );
    assert.deepEqual(
      loaded.filter((f) => !files.includes(f)),
      [],
    );
  });

  it('packages nothing the extension or its page does not need', () => {
    assert.deepEqual(
      files.filter((f) => !NEEDED.some((re) => re.test(f))),
      [],
    );
  });

  it('names no example.invalid address in any packaged text file or the package script', () => {
    assert.doesNotMatch(pkg.scripts.package ?? '', /example\.invalid/);
    for (const f of files.filter((f) => /\.(md|json)$/.test(f) || f === 'LICENSE')) {
      assert.doesNotMatch(readFileSync(join(projectRoot, f), 'utf8'), /example\.invalid/, f);
    }
  });
});
