import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { distCli, distServer, projectRoot } from '../../util/paths.js';

describe("one version, package.json's", function () {
  const { version } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
    version: string;
  };

  it('the CLI and the language server print it, whatever the environment says', function () {
    const env = { ...process.env, LBD_VERSION: '9.9.9' };
    const cli = spawnSync(process.execPath, [distCli, '--version'], { encoding: 'utf8', env });
    assert.equal(cli.stdout, `${version}\n`);
    const server = spawnSync(process.execPath, [distServer, '--version'], { encoding: 'utf8', env });
    assert.equal(server.stdout, `linux-builder-doctor language server ${version}\n`);
  });
});
