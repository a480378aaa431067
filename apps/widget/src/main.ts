import type { LivedeskApi } from './public-api.js';
import { Widget } from './widget.js';

declare global {
  interface Window {
    livedesk?: LivedeskApi;
  }
}

/**
 * `<script src="https://HOST/widget/livedesk.js" data-organization="ORG" data-group="GROUP" async>`:
 * the gateway is the script's own origin. `currentScript` is set while an async classic script
 * runs; the look-up by src covers a page that injected the tag some other way.
 */
function install(): void {
  const script =
    (document.currentScript as HTMLScriptElement | null) ??
    document.querySelector<HTMLScriptElement>('script[src*="/widget/livedesk.js"]');
  const organizationId = script?.dataset.organization;
  if (!script || !organizationId || window.livedesk) {
    if (!organizationId) console.error('livedesk: the script tag needs data-organization');
    return;
  }
  const groupId = script.dataset.group;
  const url = new URL(script.src).origin;
  const start = () => {
    const widget = new Widget({ url, organizationId, ...(groupId ? { groupId } : {}) });
    window.livedesk = widget;
    widget.ready();
  };
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start, { once: true });
}

install();
