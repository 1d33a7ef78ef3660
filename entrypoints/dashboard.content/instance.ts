// One running instance per page. A re-injection after an extension update starts a fresh isolated world
// while the old one may have left nodes behind, so every node we add names its instance and a new instance
// removes the others' at start. Nothing the page can set (attributes, events, its own elements) stops us:
// an old instance stops only once the browser has cut it off from the extension.
import { browser } from 'wxt/browser';
import { DASHBOARD_WORLD_KEY } from '@/utils/shared/dashboard-sites';
import type { DashboardWorld } from '@/utils/shared/messages';
import { markOwnNode, OWN_NODE_ATTRIBUTE, OWN_NODE_ID } from '@/utils/content/ticket-scanner';

export const instanceId = OWN_NODE_ID;
/** Never removed, whatever attribute the page puts on them. */
const STRUCTURE = /^(HTML|HEAD|BODY)$/;

/** Tags a node we add to the page, so scans skip it and a later instance can remove it. */
export function markOwn<T extends Element>(element: T): T {
  element.setAttribute(OWN_NODE_ATTRIBUTE, instanceId);
  markOwnNode(element);
  return element;
}

function removeNodes(keep: (owner: string) => boolean): void {
  for (const node of document.querySelectorAll(`[${OWN_NODE_ATTRIBUTE}]`)) {
    // Ours hold nothing in the light DOM: a page element that merely carries the attribute is left alone.
    if (!STRUCTURE.test(node.tagName) && node.childNodes.length === 0 && !keep(node.getAttribute(OWN_NODE_ATTRIBUTE) ?? '')) node.remove();
  }
}

const world = globalThis as unknown as Record<symbol, unknown>;
// A registered symbol, not a string property: the same key in every copy of the script and in the background's probe.
const LIVE = Symbol.for(DASHBOARD_WORLD_KEY);

/** This instance's presence in its world: what the extension's injected requests read (see tab-messages). */
export const presence: DashboardWorld = {};

/**
 * False when this isolated world already runs the dashboard script (the background injects it into open
 * tabs as well as registering it, and a tab can get both). The world's global is out of the page's reach;
 * the background reads the same mark before injecting.
 */
export function firstInWorld(): boolean {
  if (world[LIVE]) return false;
  world[LIVE] = presence;
  return true;
}

/** This instance stopped (site switched off): a later injection, once the site is on again, starts afresh. */
export function releaseWorld(): void {
  if (world[LIVE] === presence) delete world[LIVE];
}

const extensionAlive = () => browser.runtime?.id != null;

/**
 * A signal that aborts once this instance is cut off from the extension (update, reload, uninstall). WXT's
 * context aborts when a newer copy announces itself with a DOM event, which page scripts can forge: when it
 * aborts while the extension still answers, the event was not a real successor, and we keep watching instead.
 */
export function cutOff(contextSignal: AbortSignal): AbortSignal {
  const controller = new AbortController();
  const check = () => {
    if (!extensionAlive()) controller.abort();
  };
  contextSignal.addEventListener(
    'abort',
    () => {
      check();
      if (controller.signal.aborted) return;
      const timer = setInterval(check, 5_000);
      controller.signal.addEventListener('abort', () => clearInterval(timer), { once: true });
    },
    { once: true },
  );
  return controller.signal;
}

/**
 * Takes the page over from any previous instance (removing its nodes) and returns a signal that aborts
 * with `parent`, removing this instance's nodes then.
 */
export function claimPage(parent: AbortSignal): AbortSignal {
  // A whole-page query (tens of ms on a 50,000-row page), for leftovers that exist only after an extension
  // update: its own task, after the first scan's, rather than in front of it.
  setTimeout(() => removeNodes((owner) => owner === instanceId), 0);
  const controller = new AbortController();
  if (parent.aborted) controller.abort();
  else parent.addEventListener('abort', () => controller.abort(), { once: true });
  controller.signal.addEventListener('abort', () => removeNodes((owner) => owner !== instanceId), { once: true });
  return controller.signal;
}
