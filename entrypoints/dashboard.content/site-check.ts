// The one question this script asks the background at start: the agency's detection patterns. The answer
// also says whether this page is an enabled dashboard: registration matches a host on every port, so a page
// on another port of an enabled host is refused here, and the script stops without adding anything.
import { sendToBackground } from '@/utils/shared/messenger';
import type { DetectionConfig } from '@/utils/shared/messages';
import { disabled } from './lifecycle';

let answer: Promise<DetectionConfig | null> | null = null;

/** The agency's patterns, or null when the background cannot tell (the built-in ones still apply). */
export function agencyDetection(): Promise<DetectionConfig | null> {
  answer ??= (async () => {
    const reply = await sendToBackground('detection/get', {});
    if (!reply.ok && reply.error.kind === 'bad_sender') disabled.abort();
    return reply.ok ? reply.data : null;
  })();
  return answer;
}
