// The one question this script asks the background at start: the agency's detection patterns. The answer
// also says whether this page is an enabled dashboard: registration matches a host on every port, so a page
// on another port of an enabled host is refused here, and the script stops without adding anything.
import { browser } from 'wxt/browser';
import { createMessenger } from '@/utils/messenger';
import type { DetectionConfig } from '@/utils/messages';
import { disabled } from './lifecycle';

const PREFS_WAIT_MS = 500;

let answer: Promise<DetectionConfig | null> | null = null;

/** The agency's patterns, or null when the background is slow or silent (built-in detection then). */
export function agencyDetection(): Promise<DetectionConfig | null> {
  answer ??= (async () => {
    const request = createMessenger((m) => browser.runtime.sendMessage(m));
    const reply = request('detection/get', {}).then((r) => {
      if (!r.ok && r.error.kind === 'bad_sender') disabled.abort();
      return r;
    });
    const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), PREFS_WAIT_MS));
    const first = await Promise.race([reply, timeout]);
    return first?.ok ? first.data : null;
  })();
  return answer;
}
