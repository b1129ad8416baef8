/**
 * The port probe's reading of the first bytes: the start of an SSH banner is SSH however slowly it
 * comes (never "another service"); other bytes are another service at once.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { checkPort } from '../../../src/probes/checks/vmPort.js';

async function listener(
  onConnect: (s: Socket) => void,
): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    onConnect(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('vm-port: reading the banner', function () {
  it('"SS" and then nothing: a banner that never ends (hung), not another service', async function () {
    const l = await listener((s) => s.write('SS'));
    try {
      const outcome = await checkPort('127.0.0.1', l.port, 1000, 600);
      assert.equal(outcome.kind, 'partial-banner', JSON.stringify(outcome));
    } finally {
      await l.close();
    }
  });

  it('"SS" now and the rest later, within the wait: a banner, with how long it took', async function () {
    const l = await listener((s) => {
      s.write('SS');
      setTimeout(() => s.write('H-2.0-OpenSSH_9.2\r\n'), 700);
    });
    try {
      const outcome = await checkPort('127.0.0.1', l.port, 1000, 3000);
      assert.equal(outcome.kind, 'banner', JSON.stringify(outcome));
      if (outcome.kind === 'banner') assert.ok(outcome.bannerMs >= 650, String(outcome.bannerMs));
    } finally {
      await l.close();
    }
  });

  it('bytes that cannot start a banner: another service, at once', async function () {
    const l = await listener((s) => s.write('HTTP/1.1 400 Bad Request\r\n'));
    try {
      const started = Date.now();
      const outcome = await checkPort('127.0.0.1', l.port, 1000, 3000);
      assert.equal(outcome.kind, 'not-ssh');
      assert.ok(Date.now() - started < 1000);
    } finally {
      await l.close();
    }
  });
});
