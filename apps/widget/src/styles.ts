/**
 * The widget's styles, inside its shadow root so the page's CSS and the widget's never meet.
 * The popup sits in a bottom corner and is at most 380 × 560 px: it never covers the page's
 * content more than a chat needs, and on a 360 px wide screen it leaves an 8 px margin.
 */
export const styles = `
:host{all:initial}
*{box-sizing:border-box;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
button{cursor:pointer}
button:focus-visible,input:focus-visible,textarea:focus-visible{outline:2px solid #1d4ed8;outline-offset:2px}
.launcher{position:fixed;right:16px;bottom:16px;z-index:2147483000;width:56px;height:56px;border-radius:50%;border:0;background:#1d4ed8;color:#fff;box-shadow:0 2px 8px rgba(0,0,0,.3);display:flex;align-items:center;justify-content:center}
.popup{position:fixed;right:16px;bottom:84px;z-index:2147483000;width:min(380px,calc(100vw - 16px));height:min(560px,calc(100vh - 100px));display:flex;flex-direction:column;background:#fff;color:#111;border-radius:12px;box-shadow:0 4px 24px rgba(0,0,0,.25);overflow:hidden}
@media (max-width:420px){.popup{right:8px;left:8px;width:auto}.launcher{right:8px;bottom:8px}.popup{bottom:72px}}
.popup[hidden]{display:none}
header{display:flex;align-items:center;gap:8px;padding:10px 12px;background:#1d4ed8;color:#fff}
header h2{flex:1;margin:0;font-weight:600;font-size:15px}
header button{background:transparent;border:0;color:#fff;font-size:18px;width:32px;height:32px}
.status{padding:6px 12px;background:#eef2ff;color:#1e3a8a;font-size:12px}
.status:empty{display:none}
.log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:6px;list-style:none;margin:0}
.msg{max-width:80%;padding:6px 10px;border-radius:10px;white-space:pre-wrap;overflow-wrap:anywhere}
.msg.customer{align-self:flex-end;background:#1d4ed8;color:#fff}
.msg.agent{align-self:flex-start;background:#f1f5f9}
.msg .who{display:block;font-size:11px;color:#475569}
.msg.system{align-self:center;background:none;color:#64748b;font-size:12px}
.typing{padding:0 12px 4px;color:#64748b;font-size:12px;min-height:18px}
form{display:flex;gap:6px;padding:8px;border-top:1px solid #e2e8f0}
form.stack{flex-direction:column}
textarea,input{flex:1;min-width:0;padding:8px;border:1px solid #cbd5e1;border-radius:8px;resize:none;background:#fff;color:#111}
form button{border:0;border-radius:8px;background:#1d4ed8;color:#fff;padding:8px 12px}
.rating{padding:8px;text-align:center;border-top:1px solid #e2e8f0}
.rating p,.leave p{margin:0 0 6px}
.stars{display:flex;gap:4px;justify-content:center}
.stars button{background:#f1f5f9;color:#111;width:40px}
.nps{display:grid;grid-template-columns:repeat(11,1fr);gap:2px}
.nps button{background:#f1f5f9;color:#111;padding:6px 0;border:0;border-radius:4px;min-width:0}
.rating .scale{display:flex;justify-content:space-between;font-size:11px;color:#64748b;margin:4px 0 0}
.avatar{width:32px;height:32px;border-radius:50%;object-fit:cover;background:#fff}
.welcome{margin:0;padding:10px 12px;background:#f8fafc;color:#334155;border-bottom:1px solid #e2e8f0;white-space:pre-wrap}
[hidden]{display:none!important}
[tabindex="-1"]:focus{outline:none}
`;
