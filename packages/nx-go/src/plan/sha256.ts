// One sha256 for the plugin's per-worker digests (job inputs, memo keys): inference computes thousands.
import * as crypto from 'node:crypto';

/** The hex sha256 of `text`: Node's one-shot crypto.hash (Node 20.12+, about twice as fast), or a Hash before it. */
export const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text, 'hex') : (text) => crypto.createHash('sha256').update(text).digest('hex');
