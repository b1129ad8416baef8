import assert from 'node:assert/strict';
import { CAUSE_HEADLINES, causeHeadline } from '../../../src/protocol/causeHeadlines.js';
import { CAUSE_IDS } from '../../../src/protocol/probes.js';

describe('cause headlines (the verdict in plain words, issue 9 item 1)', () => {
  it('has one headline per cause id', () => {
    assert.deepEqual(Object.keys(CAUSE_HEADLINES).sort(), [...CAUSE_IDS].sort());
  });

  it('is short plain text: no Markdown, no cause id, readable in a narrow sidebar', () => {
    for (const [cause, headline] of Object.entries(CAUSE_HEADLINES)) {
      assert.ok(headline.length <= 62, `${cause}: ${headline.length} characters`);
      assert.doesNotMatch(headline, /[`*[\]]|\b_|_\b/, cause);
      assert.doesNotMatch(headline, /\.$/, `${cause}: the view adds its own punctuation`);
      assert.ok(!headline.includes(cause) || cause === 'ok', `${cause}: words, not the id`);
      assert.match(headline, /^[A-Zn]/, `${cause}: starts a sentence (or with nix-darwin)`);
    }
  });

  it('falls back to the id for a cause it does not know (a newer server)', () => {
    assert.equal(causeHeadline('some-new-cause'), 'some-new-cause');
    assert.equal(causeHeadline('builder-down'), CAUSE_HEADLINES['builder-down']);
  });
});
