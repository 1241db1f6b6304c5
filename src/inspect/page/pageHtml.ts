/**
 * The inspector page's HTML. Its script and style are served beside it
 * (`app.js`, `style.css`), and `mermaid.js` from the user's node_modules when
 * mermaid is installed: nothing is fetched from anywhere but the inspector.
 *
 * @module
 */

/**
 * The page, with or without the mermaid script tag.
 *
 * @example
 * ```ts
 * res.end(pageHtml({ mermaid: mermaidPath !== undefined }));
 * ```
 */
export function pageHtml(options: { mermaid: boolean }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>statewire inspector</title>
<link rel="stylesheet" href="style.css">
</head>
<body data-mermaid="${options.mermaid ? '1' : '0'}">
<header>
  <h1>statewire inspector</h1>
  <span id="connection" class="connection">connecting…</span>
  <span id="totals"></span>
</header>
<main>
  <section id="actors-pane">
    <h2>Actors</h2>
    <ul id="tree" class="tree"></ul>
  </section>
  <section id="details">
    <h2 id="selected-title">Select an actor</h2>
    <p id="selected-meta"></p>
    <div id="chart-pane">
      <h3>Statechart</h3>
      <p id="note" class="note" hidden></p>
      <div id="chart"></div>
    </div>
    <div id="context-pane">
      <h3>Context</h3>
      <pre id="context"></pre>
    </div>
  </section>
</main>
<section id="log-pane">
  <h2>Events <span id="log-scope"></span> <span id="dropped"></span></h2>
  <table id="log"><thead><tr><th>time</th><th>actor</th><th>event</th><th>then</th><th>payload</th></tr></thead><tbody></tbody></table>
</section>
${options.mermaid ? '<script src="mermaid.js"></script>\n' : ''}<script src="app.js"></script>
</body>
</html>
`;
}
