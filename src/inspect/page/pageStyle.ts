/**
 * The inspector page's style sheet.
 *
 * @module
 */

/**
 * `style.css`.
 *
 * @example
 * ```ts
 * res.writeHead(200, { 'content-type': 'text/css' }).end(PAGE_STYLE);
 * ```
 */
export const PAGE_STYLE = `
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 system-ui, sans-serif; color: #1d2330; background: #f5f6f8; }
header { display: flex; gap: 16px; align-items: baseline; padding: 8px 16px; background: #1d2330; color: #fff; }
header h1 { font-size: 16px; margin: 0; }
.connection { padding: 1px 8px; border-radius: 8px; background: #8a6d00; }
.connection.live { background: #2e7d32; }
main { display: grid; grid-template-columns: minmax(260px, 1fr) 2fr; gap: 12px; padding: 12px 16px; }
section { background: #fff; border: 1px solid #dde1e8; border-radius: 6px; padding: 8px 12px; overflow: auto; }
h2 { font-size: 14px; margin: 4px 0 8px; }
h3 { font-size: 13px; margin: 8px 0 4px; color: #4a5366; }
#actors-pane { max-height: 70vh; }
.tree, .tree ul { list-style: none; margin: 0; padding-left: 16px; }
.tree { padding-left: 0; }
.tree button { all: unset; cursor: pointer; display: block; padding: 2px 6px; border-radius: 4px; white-space: nowrap; }
.tree button:hover { background: #eef1f6; }
.tree li.selected > button { background: #dbe7ff; }
.tree .machine { color: #6b7385; }
.tree .state { font-weight: 600; color: #0b57d0; }
.tree .status { color: #6b7385; font-size: 11px; }
.tree li[data-status="stopped"] > button, .tree li[data-status="done"] > button { opacity: 0.55; }
.tree li[data-status="error"] > button .status { color: #c62828; }
.origin { font-size: 10px; padding: 0 4px; border-radius: 3px; background: #ede7f6; color: #4527a0; }
#chart svg { max-width: 100%; height: auto; }
.states, .states ul { list-style: none; padding-left: 16px; margin: 0; }
.states li { color: #6b7385; }
.states li.active > span { color: #b34700; font-weight: 700; }
.states li.active > span::before { content: '● '; }
.note { color: #6b7385; font-style: italic; }
pre { margin: 0; max-height: 40vh; overflow: auto; background: #f7f8fa; padding: 6px; border-radius: 4px; }
#log-pane { margin: 0 16px 16px; max-height: 40vh; }
#log { border-collapse: collapse; width: 100%; font-family: ui-monospace, monospace; font-size: 12px; }
#log th, #log td { text-align: left; padding: 2px 8px; border-bottom: 1px solid #eef0f3; vertical-align: top; }
#log td.payload { max-width: 60ch; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
#dropped { font-weight: normal; color: #8a6d00; }
`;
