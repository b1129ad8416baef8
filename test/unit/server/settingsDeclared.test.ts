/**
 * Every setting the server or the extension reads is declared in package.json, and only a
 * declared one is read: VS Code applies a setting's scope only to declared keys, so an undeclared
 * key can be set by any workspace, even an untrusted one. Settings that decide what runs or what
 * is read on this machine are `machine` scoped: a workspace cannot set them.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_SETTING_KEYS } from '../../../src/server/settings.js';
import { projectRoot } from '../../util/paths.js';

const SECTION = 'linuxBuilderDoctor';

/** Settings that choose a program, a host, a folder of system files or the environment of what runs. */
const MACHINE_ONLY = ['builderHost', 'probes.root', 'probes.trustRoot', 'testBuild.system', 'server.env'];

function declared(): Map<string, string> {
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { scope?: string }> } };
  };
  return new Map(
    Object.entries(pkg.contributes.configuration.properties).map(([key, value]) => [
      key.slice(SECTION.length + 1),
      value.scope ?? 'window',
    ]),
  );
}

function sources(dir: string): string {
  return readdirSync(join(projectRoot, dir), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(join(projectRoot, dir, f), 'utf8'))
    .join('\n');
}

const literals = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((m) => m[1] ?? '');

describe('settings: what is read is declared, with the right scope', () => {
  it('the server reads exactly SERVER_SETTING_KEYS', () => {
    const read = literals(sources('src/server'), /lookup\(\s*\w+\s*,\s*'([^']+)'/g);
    assert.deepEqual([...new Set(read)].sort(), [...SERVER_SETTING_KEYS].sort());
  });

  it('every key the server reads is declared, and every declared key is read by the server or the extension', () => {
    const keys = declared();
    const extension = sources('src/extension');
    const extensionReads = [
      ...literals(extension, /\.get<[^>]*>\(\s*'([^']+)'/g),
      ...literals(extension, /`\$\{SECTION\}\.([\w.]+)`/g),
      'trace.server', // read by vscode-languageclient for the client whose id is the section
    ];
    for (const key of SERVER_SETTING_KEYS)
      assert.ok(keys.has(key), `the server reads ${SECTION}.${key}, which package.json does not declare`);
    for (const key of extensionReads)
      assert.ok(keys.has(key), `the extension reads ${SECTION}.${key}, which package.json does not declare`);
    const readers = new Set<string>([...SERVER_SETTING_KEYS, ...extensionReads]);
    for (const key of keys.keys())
      assert.ok(readers.has(key), `${SECTION}.${key} is declared but nothing reads it`);
  });

  it('settings that decide what runs or what is read on this machine cannot be set by a workspace', () => {
    const keys = declared();
    for (const key of MACHINE_ONLY) assert.equal(keys.get(key), 'machine', `${SECTION}.${key}`);
    for (const [key, scope] of keys)
      assert.ok(
        ['machine', 'window', 'resource', 'machine-overridable', 'application'].includes(scope),
        `${key}: ${scope}`,
      );
  });
});
