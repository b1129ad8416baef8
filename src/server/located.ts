/** The locator's view of an analysed document, computed once per analysed version. */
import { locate } from '../nix/locate.js';
import type { Located } from '../nix/model.js';
import type { AnalyzedVersion } from './documents.js';
import { errorText } from '../protocol/errorText.js';

export function locatedOf(analysis: AnalyzedVersion, log: (message: string) => void): Located | null {
  if (analysis.located !== undefined) return analysis.located;
  if (!analysis.parsed) return null;
  let located: Located | null;
  try {
    located = locate(analysis.parsed);
  } catch (error) {
    log(`locating options failed: ${errorText(error, { stack: true })}`);
    located = null;
  }
  analysis.located = located;
  return located;
}
