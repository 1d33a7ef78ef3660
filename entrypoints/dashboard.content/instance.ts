// One running instance per page. A re-injection (extension update, re-registration) starts a fresh
// isolated world while the old one may still run or may have left orphaned nodes behind, so the page
// carries a single marker naming the live instance, and every node we add names its instance.
import { OWN_NODE_ATTRIBUTE } from '@/utils/ticket-scanner';

export const INSTANCE_MARKER = 'data-daakey-qr-instance';

// crypto.randomUUID needs a secure context, and agency dashboards may be plain http.
export const instanceId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

/** Tags a node we add to the page, so scans skip it and a later instance can remove it. */
export function markOwn<T extends Element>(element: T): T {
  element.setAttribute(OWN_NODE_ATTRIBUTE, instanceId);
  return element;
}

function removeNodes(keep: (owner: string) => boolean): void {
  for (const node of document.querySelectorAll(`[${OWN_NODE_ATTRIBUTE}]`)) {
    if (!keep(node.getAttribute(OWN_NODE_ATTRIBUTE) ?? '')) node.remove();
  }
}

/**
 * Takes the page over from any previous instance (removing its nodes) and returns a signal that
 * aborts when `parent` does (context invalidated) or when a newer instance takes the page over.
 */
export function claimPage(parent: AbortSignal): AbortSignal {
  const controller = new AbortController();
  const root = document.documentElement;
  removeNodes((owner) => owner === instanceId);
  root.setAttribute(INSTANCE_MARKER, instanceId);

  const observer = new MutationObserver(() => {
    if (root.getAttribute(INSTANCE_MARKER) !== instanceId) controller.abort();
  });
  observer.observe(root, { attributes: true, attributeFilter: [INSTANCE_MARKER] });

  const stop = () => controller.abort();
  if (parent.aborted) stop();
  else parent.addEventListener('abort', stop, { once: true, signal: controller.signal });

  controller.signal.addEventListener(
    'abort',
    () => {
      observer.disconnect();
      if (root.getAttribute(INSTANCE_MARKER) === instanceId) root.removeAttribute(INSTANCE_MARKER);
      removeNodes((owner) => owner !== instanceId);
    },
    { once: true },
  );
  return controller.signal;
}
